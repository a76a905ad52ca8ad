"""The audit chain's keys, all kept outside the database: the MAC keys come from settings (ZHIFA_AUDIT_KEY or its
file), the Ed25519 key that signs anchors from a PEM file (ZHIFA_AUDIT_ANCHOR_KEY_FILE)."""

import os
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings

from zhifa.core.errors import ServiceError
from zhifa.engine.chain import signer_id


def mac_keys() -> dict[str, bytes]:
    """Every configured MAC key by its id: the current one signs, the others still verify their entries."""
    return {kid: secret.encode() for kid, secret in settings.ZHIFA_AUDIT_KEYS.items()}


def current_mac_key() -> tuple[str, bytes]:
    kid = settings.ZHIFA_AUDIT_KEY_ID
    return kid, settings.ZHIFA_AUDIT_KEYS[kid].encode()


def anchor_key_path() -> Path:
    return Path(settings.ZHIFA_AUDIT_ANCHOR_KEY_FILE)


def anchor_key_create() -> Ed25519PrivateKey:
    """Create the anchor signing key file (owner-only permissions); refuse if one is there already."""
    path = anchor_key_path()
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise ServiceError(f"锚点签名密钥文件 {path} 已存在，未覆盖") from None
    except OSError as exc:
        raise ServiceError(f"无法创建锚点签名密钥文件 {path}：{exc.strerror}") from None
    with os.fdopen(fd, "wb") as fh:
        fh.write(pem)
        fh.flush()
        os.fsync(fh.fileno())
    return key


def anchor_private_key() -> Ed25519PrivateKey | None:
    """The anchor signing key, or None when its file does not exist; a file that is not one is an error."""
    path = anchor_key_path()
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise ServiceError(f"锚点签名密钥文件 {path} 无法读取：{exc.strerror}") from None
    try:
        key = serialization.load_pem_private_key(data, password=None)
    except (ValueError, TypeError):
        raise ServiceError(f"锚点签名密钥文件 {path} 不是未加密的 PEM 私钥") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise ServiceError(f"锚点签名密钥文件 {path} 不是 Ed25519 私钥")
    return key


def anchor_public_keys() -> dict[str, Ed25519PublicKey]:
    """The public keys anchor lines may be signed with, by signer id (empty when there is no key file)."""
    key = anchor_private_key()
    if key is None:
        return {}
    public = key.public_key()
    return {signer_id(public): public}


def public_key_pem(key: Ed25519PrivateKey) -> str:
    return (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
