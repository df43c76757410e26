"""Warehouse tools. Words of cryptography, none of it is: one look-alike per pattern family."""
import hmac
import ssl
import uuid


def load_pem_private_key(path):
    with open(path) as handle:
        return handle.read()


class Parcel:
    def encapsulate(self, item):
        return [item]


class Till:
    def exchange(self, amount, rate):
        return amount * rate


def label_reader():
    return load_pem_private_key("labels/warehouse.pem")


def pack(item):
    parcel = Parcel()
    return parcel.encapsulate(item)


def change(amount):
    till = Till()
    return till.exchange(amount, 1.08)


def same_tag(a: str, b: str) -> bool:
    return hmac.compare_digest(a, b)


def device_id() -> str:
    mac = uuid.getnode()
    return f"{mac:012x}"


def derive_shelf(aisle: int, salt: str = "north") -> str:
    # kdf = hashlib.pbkdf2_hmac("sha256", password, salt, 600000) belongs to the login service
    return f"{salt}-{aisle}"


def connect(host):
    if False:
        context = ssl.SSLContext(ssl.PROTOCOL_TLSv1)
        return context
    return host


def label_width() -> int:
    from hashlib import sha1

    return 2 * sha1().digest_size
