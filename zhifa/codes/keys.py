"""The district's code-signing keys: a private JWK Set of Ed25519 keys (OKP, RFC 8037) read from the
environment (ZHIFA_CODE_KEYS) or a file (ZHIFA_CODE_KEYS_FILE). The first key signs; the others only verify,
so a rotation puts a new key first and codes signed with the old one stay valid. Removing a key (retiring it)
makes its codes fail as "unknown key". The public half of every key is the JWKS at /codes/jwks.json.

Nothing here is kept in the repository: with ZHIFA_KEYS_AUTOCREATE a missing file is generated on first use
(the demo, `make run`, the tests); a production deployment provides its own and turns autocreation off.
"""

from __future__ import annotations

import json
import os
import tempfile
import threading
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone
from joserfc.jwk import KeySet, OKPKey


class CodeKeyError(ImproperlyConfigured):
    """The signing keys are missing or not what a code needs."""


@dataclass(frozen=True)
class CodeKeys:
    signing: OKPKey  # private; the first key of the set
    verifying: dict[str, OKPKey]  # kid -> public key, the signing key included
    jwks: dict  # {"keys": [public JWK, ...]}: what /codes/jwks.json publishes

    @property
    def kid(self) -> str:
        return self.signing.kid or ""


_lock = threading.Lock()
_cache: tuple[tuple, CodeKeys] | None = None


def code_keys() -> CodeKeys:
    """The keys in force, read again when the setting or the file changes (a rotation needs no restart)."""
    global _cache
    source = _source()
    cached = _cache
    if cached is not None and cached[0] == source:
        return cached[1]
    with _lock:
        if _cache is None or _cache[0] != _source():
            raw = _read()
            _cache = (_source(), keys_parse(raw))
        return _cache[1]


def _source() -> tuple:
    inline = settings.ZHIFA_CODE_KEYS
    if inline:
        return ("env", inline)
    path = Path(settings.ZHIFA_CODE_KEYS_FILE)
    try:
        return ("file", str(path), path.stat().st_mtime_ns)
    except FileNotFoundError:
        return ("file", str(path), None)


def _read() -> dict:
    if settings.ZHIFA_CODE_KEYS:
        return json.loads(settings.ZHIFA_CODE_KEYS)
    path = Path(settings.ZHIFA_CODE_KEYS_FILE)
    if not path.exists():
        if not settings.ZHIFA_KEYS_AUTOCREATE:
            raise CodeKeyError(
                f"行政行为码签名密钥文件 {path} 不存在：请设置 ZHIFA_CODE_KEYS_FILE 或 ZHIFA_CODE_KEYS，"
                "或运行 python manage.py codes_keys init"
            )
        keys_init()
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise CodeKeyError(f"行政行为码签名密钥文件 {path} 无法读取：{exc}") from None


def keys_parse(raw: dict) -> CodeKeys:
    """Check a private JWK Set and split it into the signing key, the verifying keys and the public JWKS."""
    entries = raw.get("keys") if isinstance(raw, dict) else None
    if not isinstance(entries, list) or not entries:
        raise CodeKeyError('行政行为码签名密钥集为空（需要 JWK Set：{"keys": [...]}）')
    keys: list[OKPKey] = []
    for n, entry in enumerate(entries):
        if not isinstance(entry, dict) or entry.get("kty") != "OKP" or entry.get("crv") != "Ed25519":
            raise CodeKeyError(f"第 {n + 1} 个密钥不是 Ed25519 密钥（kty=OKP, crv=Ed25519）")
        if not entry.get("kid"):
            raise CodeKeyError(f"第 {n + 1} 个密钥没有 kid")
        if not entry.get("d"):
            raise CodeKeyError(f"密钥 {entry['kid']} 缺少私钥部分 d")
        try:
            keys.append(OKPKey.import_key(entry))
        except Exception as exc:  # joserfc raises several kinds for a malformed key
            raise CodeKeyError(f"密钥 {entry['kid']} 无法读取：{exc}") from None
    kids = [k.kid for k in keys]
    if len(set(kids)) != len(kids):
        raise CodeKeyError("密钥集中有重复的 kid")
    public = [_public(k) for k in keys]
    verifying = {k.kid: OKPKey.import_key(p) for k, p in zip(keys, public, strict=True)}
    return CodeKeys(signing=keys[0], verifying=verifying, jwks={"keys": public})


def _public(key: OKPKey) -> dict:
    jwk = key.as_dict(private=False)
    return {"kty": "OKP", "crv": "Ed25519", "x": jwk["x"], "kid": key.kid, "use": "sig", "alg": "EdDSA"}


def public_keyset() -> KeySet:
    return KeySet(list(code_keys().verifying.values()))


# --- generating, rotating, retiring --------------------------------------------------------------------------


def key_generate(now: datetime | None = None) -> dict:
    """A new private Ed25519 JWK whose kid says when it was made: "20260115-3fa9c2"."""
    key = OKPKey.generate_key("Ed25519")
    stamp = timezone.localtime(now or timezone.now()).strftime("%Y%m%d")
    jwk = key.as_dict(private=True)
    jwk["kid"] = f"{stamp}-{key.thumbprint()[:6]}"
    return {"kty": "OKP", "crv": "Ed25519", "x": jwk["x"], "d": jwk["d"], "kid": jwk["kid"]}


def _file() -> Path:
    if settings.ZHIFA_CODE_KEYS:
        raise CodeKeyError("密钥由环境变量 ZHIFA_CODE_KEYS 提供，请在部署处更换，不能由本命令改写")
    return Path(settings.ZHIFA_CODE_KEYS_FILE)


def _write(path: Path, content: dict, *, replace: bool) -> bool:
    """Write the key file readable by its owner only; without `replace`, only if it does not exist yet (two
    processes starting at once keep the first one's keys)."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".keys-")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(content, fh, indent=2)
        os.chmod(tmp, 0o600)
        if replace:
            os.replace(tmp, path)
            return True
        try:
            os.link(tmp, path)
        except FileExistsError:
            return False
        return True
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def keys_init() -> bool:
    """Create the key file with one key when it does not exist; False when it already did."""
    path = _file()
    if path.exists():
        return False
    return _write(path, {"keys": [key_generate()]}, replace=False)


def _stored() -> list[dict]:
    path = _file()
    if not path.exists():
        raise CodeKeyError(f"密钥文件 {path} 不存在，请先运行 python manage.py codes_keys init")
    return list(json.loads(path.read_text(encoding="utf-8"))["keys"])


def keys_rotate() -> str:
    """Put a new key first (it signs from now on); the old keys stay to verify the codes they signed."""
    current = _stored()
    new = key_generate()
    keys_parse({"keys": [new, *current]})
    _write(_file(), {"keys": [new, *current]}, replace=True)
    return new["kid"]


def keys_retire(kid: str) -> None:
    """Remove a key that no longer signs: codes signed with it fail verification as "unknown key"."""
    current = _stored()
    if current and current[0].get("kid") == kid:
        raise CodeKeyError(f"密钥 {kid} 正在用于签名，请先轮换（codes_keys rotate）再停用")
    remaining = [k for k in current if k.get("kid") != kid]
    if len(remaining) == len(current):
        raise CodeKeyError(f"没有 kid 为 {kid} 的密钥")
    _write(_file(), {"keys": remaining}, replace=True)
