"""Stock levels: a stock item per published sku, and staff adjustments with their audit log."""

from __future__ import annotations

from uuid import UUID

from contexts.inventory import database
from contexts.inventory.models import StockAdjustment, StockItem
from contexts.inventory.selectors import StockItemNotFound

# PositiveIntegerField is 32-bit on PostgreSQL; refuse long before the column overflows.
MAX_ON_HAND = 1_000_000_000


class StockAdjustmentInvalid(ValueError):
    pass


class StockBelowReserved(ValueError):
    """The adjustment would leave fewer units on hand than are promised to open orders."""

    def __init__(self, *, sku: str, on_hand: int, reserved: int, delta: int) -> None:
        super().__init__(
            f"{sku}: {on_hand} on hand {delta:+d} would leave {on_hand + delta}, fewer than the "
            f"{reserved} units reserved for open orders."
        )
        self.sku = sku
        self.on_hand = on_hand
        self.reserved = reserved
        self.delta = delta


@database.atomic
def stock_item_ensure(*, sku: str) -> StockItem:
    """The sku's stock item, created empty the first time. An existing one is left untouched."""
    # get_or_create retries the read if a concurrent delivery inserted the row first.
    item, _ = StockItem.objects.get_or_create(sku=sku)
    return item


@database.atomic
def stock_adjust(*, sku: str, delta: int, reason: str, actor_id: UUID | None) -> StockAdjustment:
    """Change on_hand by `delta` and log who did it and why.

    Raises StockItemNotFound, StockAdjustmentInvalid, or StockBelowReserved.
    """
    if delta == 0:
        raise StockAdjustmentInvalid("A zero adjustment changes nothing; send a non-zero delta.")
    if not reason.strip():
        raise StockAdjustmentInvalid("Say why the stock changes.")
    try:
        # Locked so that a reservation cannot slip in between the check and the write.
        item = StockItem.objects.select_for_update().get(sku=sku)
    except StockItem.DoesNotExist:
        raise StockItemNotFound(f"Inventory does not track sku {sku!r}.") from None
    on_hand = item.on_hand + delta
    if on_hand < item.reserved:
        raise StockBelowReserved(sku=sku, on_hand=item.on_hand, reserved=item.reserved, delta=delta)
    if on_hand > MAX_ON_HAND:
        raise StockAdjustmentInvalid(f"On hand may not exceed {MAX_ON_HAND} units.")
    item.on_hand = on_hand
    item.save(update_fields=["on_hand", "updated_at"])
    return StockAdjustment.objects.create(
        stock_item=item,
        delta=delta,
        reason=reason.strip(),
        on_hand_after=on_hand,
        actor_id=actor_id,
    )
