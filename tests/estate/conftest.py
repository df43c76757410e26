from tests.inventories.conftest import cert_scanner

__all__ = ["cert_scanner"]
