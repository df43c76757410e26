from tests.render.conftest import plain_inventory

__all__ = ["plain_inventory"]
