from modulith import ContextConfig


class InventoryConfig(ContextConfig):
    name = "contexts.inventory"
    label = "inventory"
    verbose_name = "Inventory"
