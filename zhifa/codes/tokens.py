"""行政行为码 as compact JWS (RFC 7515) signed with EdDSA over Ed25519 (RFC 8037), through joserfc.

Header `{"alg": "EdDSA", "kid": …}`; payload compact JSON in UTF-8 (Chinese as itself, not \\u escapes: a
shorter token makes a QR a phone reads easily). Verifying here needs only the public keys and the clock — no
database — so it is what a third party does with the JWKS; revocation and the record are added by the
selectors. RFC 9864 names the same algorithm "Ed25519"; both are accepted, "EdDSA" is written because every
JOSE library reads it.
"""

from __future__ import annotations

import base64
import binascii
import json
import warnings
from dataclasses import dataclass

from joserfc import jws
from joserfc.errors import BadSignatureError, DecodeError, JoseError
from joserfc.util import to_bytes

from zhifa.codes.choices import CodeStatus
from zhifa.codes.keys import CodeKeys, code_keys

SIGN_ALG = "EdDSA"
ACCEPTED_ALGS = ("EdDSA", "Ed25519")
MAX_TOKEN = 2048  # far above any code we sign; a longer string is not one
LEEWAY_SECONDS = 60  # clock difference tolerated at either end of the window

# joserfc warns on every use of "EdDSA" since RFC 9864; the choice is deliberate (see the module text).
warnings.filterwarnings("ignore", message="EdDSA is deprecated", module="joserfc")


@dataclass(frozen=True)
class Verified:
    """What the signature and the clock say about a token. `claims` only when the signature holds."""

    status: str
    header: dict | None = None
    claims: dict | None = None

    @property
    def signed_by_us(self) -> bool:
        return self.claims is not None


def token_sign(claims: dict, *, keys: CodeKeys | None = None) -> tuple[str, str]:
    """(token, kid of the key that signed it)."""
    keys = keys or code_keys()
    payload = json.dumps(claims, ensure_ascii=False, separators=(",", ":")).encode()
    header = {"alg": SIGN_ALG, "kid": keys.kid}
    return jws.serialize_compact(header, payload, keys.signing, algorithms=[SIGN_ALG]), keys.kid


def _b64json(part: str):
    padded = part + "=" * (-len(part) % 4)
    return json.loads(base64.urlsafe_b64decode(to_bytes(padded)))


def token_verify(token: str, *, now: float, keys: CodeKeys | None = None) -> Verified:
    """Signature first (tampered / unknown key), then the window (not yet valid / expired)."""
    token = (token or "").strip()
    parts = token.split(".")
    if len(token) > MAX_TOKEN or len(parts) != 3 or not all(parts):
        return Verified(CodeStatus.MALFORMED)
    try:
        header = _b64json(parts[0])
    except (ValueError, binascii.Error):
        return Verified(CodeStatus.MALFORMED)
    if not isinstance(header, dict):
        return Verified(CodeStatus.MALFORMED)
    keys = keys or code_keys()
    key = keys.verifying.get(str(header.get("kid") or ""))
    if key is None:
        return Verified(CodeStatus.UNKNOWN_KEY, header)
    if header.get("alg") not in ACCEPTED_ALGS:
        return Verified(CodeStatus.TAMPERED, header)
    try:
        payload = jws.deserialize_compact(token, key, algorithms=[header["alg"]]).payload
    except (BadSignatureError, DecodeError):
        return Verified(CodeStatus.TAMPERED, header)
    except JoseError:
        return Verified(CodeStatus.MALFORMED, header)
    try:
        claims = json.loads(payload)
        nbf, exp = int(claims["nbf"]), int(claims["exp"])
    except (ValueError, TypeError, KeyError):
        return Verified(CodeStatus.MALFORMED, header)
    if now < nbf - LEEWAY_SECONDS:
        return Verified(CodeStatus.NOT_YET_VALID, header, claims)
    if now >= exp + LEEWAY_SECONDS:
        return Verified(CodeStatus.EXPIRED, header, claims)
    return Verified(CodeStatus.VALID, header, claims)
