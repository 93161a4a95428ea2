import modulith


class InventoryConfig(modulith.ContextConfig):
    name = "contexts.inventory"
    label = "inventory"
    verbose_name = "Inventory"
