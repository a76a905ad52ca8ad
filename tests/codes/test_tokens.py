"""The token as a third party sees it: a compact JWS verified with nothing but the published JWKS — by
`cryptography` directly (RFC 7515 §5.2 by hand) and by a second JOSE library (jwcrypto) — and every way it
fails: a flipped byte, a wrong or unknown kid, expiry, revocation, rotation and retirement of keys."""

import base64
import json
from datetime import timedelta

import pytest
import time_machine
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from django.test import Client
from django.utils import timezone
from jwcrypto import jwk as jwcrypto_jwk
from jwcrypto import jws as jwcrypto_jws

from zhifa.codes import keys
from zhifa.codes.choices import CodeStatus
from zhifa.codes.selectors import code_verify
from zhifa.codes.services import code_revoke
from zhifa.codes.tokens import token_sign, token_verify


def b64d(part: str) -> bytes:
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))


def published_jwks() -> dict:
    response = Client().get("/codes/jwks.json")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/jwk-set+json"
    assert response["Access-Control-Allow-Origin"] == "*"
    return json.loads(response.content)


def verify_with_cryptography(token: str, jwks: dict) -> dict:
    """What a verifier with no JOSE library does: pick the key by kid, check Ed25519 over header.payload."""
    header_b64, payload_b64, signature_b64 = token.split(".")
    header = json.loads(b64d(header_b64))
    assert header["alg"] == "EdDSA"
    jwk = next(k for k in jwks["keys"] if k["kid"] == header["kid"])
    assert (jwk["kty"], jwk["crv"]) == ("OKP", "Ed25519")
    public = Ed25519PublicKey.from_public_bytes(b64d(jwk["x"]))
    public.verify(b64d(signature_b64), f"{header_b64}.{payload_b64}".encode("ascii"))  # raises if bad
    return json.loads(b64d(payload_b64))


def verify_with_jwcrypto(token: str, jwks: dict) -> dict:
    keyset = jwcrypto_jwk.JWKSet.from_json(json.dumps(jwks))
    obj = jwcrypto_jws.JWS()
    obj.deserialize(token)
    obj.verify(keyset)  # selects the key by the header's kid
    return json.loads(obj.payload)


def flip(token: str, part: int, at: int) -> str:
    parts = token.split(".")
    chars = list(parts[part])
    chars[at] = "A" if chars[at] != "A" else "B"
    parts[part] = "".join(chars)
    return ".".join(parts)


def test_a_code_verifies_with_only_the_jwks(visit, django_assert_num_queries):
    w = visit
    jwks = published_jwks()
    assert all("d" not in k for k in jwks["keys"])  # public halves only
    assert all(k["kty"] == "OKP" and k["crv"] == "Ed25519" and k["use"] == "sig" for k in jwks["keys"])
    with django_assert_num_queries(0):  # no database: the keys and the token are enough
        by_hand = verify_with_cryptography(w.code.token, jwks)
        by_library = verify_with_jwcrypto(w.code.token, jwks)
    assert by_hand == by_library == w.code.claims
    claims = by_hand
    assert claims["jti"] == w.code.code_id and claims["act"] == "inspection"
    assert claims["unit"] == "南星街道综合行政执法队"
    assert claims["off"] == [["测某", "ZJ-TEST-0003"], ["测某", "ZJ-TEST-0001"]]
    assert claims["party"] == {"uscc": w.nanxing_shop.uscc}
    assert claims["items"] == ["ZH0101", "SJ0001"]
    assert claims["rec"] == f"inspection/{w.inspection.pk}"
    assert claims["iat"] == claims["nbf"] and claims["exp"] - claims["nbf"] == 12 * 3600
    header = json.loads(b64d(w.code.token.split(".")[0]))
    assert header == {"alg": "EdDSA", "kid": w.code.kid}
    # No full name of an officer anywhere in the token.
    assert "测试队员" not in b64d(w.code.token.split(".")[1]).decode()


def test_token_is_short_enough_for_a_phone_to_read(visit):
    from zhifa.codes.qr import qr_make

    token = visit.code.token
    assert len(token) < 520, len(token)
    url = "https://zhifa.example.gov.cn/c/" + token
    version = qr_make(url).version
    assert version <= 19, (
        version
    )  # ≤ 93 × 93 modules at level M: a phone reads it off a screen at arm's length


def test_a_flipped_byte_fails_as_tampered(visit):
    token = visit.code.token
    payload_len = len(token.split(".")[1])
    for at in (0, payload_len // 2, payload_len - 2):
        bad = flip(token, 1, at)
        assert token_verify(bad, now=timezone.now().timestamp()).status == CodeStatus.TAMPERED
        assert code_verify(bad).status == CodeStatus.TAMPERED
        with pytest.raises((InvalidSignature, ValueError)):
            verify_with_cryptography(bad, published_jwks())
    bad_signature = flip(token, 2, 10)
    assert code_verify(bad_signature).status == CodeStatus.TAMPERED
    # A tampered token shows nothing of what it claims.
    assert code_verify(bad).as_json()["payload"] is None


def test_wrong_kid_unknown_or_other_key(visit):
    w = visit
    header, payload, signature = w.code.token.split(".")

    def with_header(h: dict) -> str:
        raw = json.dumps(h, separators=(",", ":")).encode()
        return base64.urlsafe_b64encode(raw).rstrip(b"=").decode() + f".{payload}.{signature}"

    assert (
        code_verify(with_header({"alg": "EdDSA", "kid": "19990101-abcdef"})).status == CodeStatus.UNKNOWN_KEY
    )
    assert code_verify(with_header({"alg": "EdDSA"})).status == CodeStatus.UNKNOWN_KEY
    # Another key of the district: the kid is known but the signature is not its own.
    keys.keys_rotate()
    other = keys.code_keys().kid
    assert code_verify(with_header({"alg": "EdDSA", "kid": other})).status == CodeStatus.TAMPERED
    assert code_verify(with_header({"alg": "HS256", "kid": w.code.kid})).status == CodeStatus.TAMPERED
    # A code signed with a key the district never published.
    foreign = keys.keys_parse({"keys": [keys.key_generate()]})
    forged, _ = token_sign(w.code.claims, keys=foreign)
    assert code_verify(forged).status == CodeStatus.UNKNOWN_KEY


def test_expired_and_not_yet_valid(visit):
    w = visit
    assert code_verify(w.code.token).status == CodeStatus.VALID
    with time_machine.travel(timezone.now() + timedelta(hours=12, minutes=2)):
        v = code_verify(w.code.token)
        assert v.status == CodeStatus.EXPIRED and not v.valid
        assert v.claims["jti"] == w.code.code_id  # still shows who it was: the signature holds
    with time_machine.travel(timezone.now() - timedelta(minutes=5)):
        assert code_verify(w.code.token).status == CodeStatus.NOT_YET_VALID


def test_revoked_with_its_reason(visit):
    w = visit
    code_revoke(code=w.code, reason="检查人员有误，重新签发", by=w.alice)
    v = code_verify(w.code.token)
    assert v.status == CodeStatus.REVOKED and not v.valid
    body = v.as_json()
    assert body["revoked"]["reason"] == "检查人员有误，重新签发"
    # Offline the signature still holds: revocation is what the district's verify page adds.
    assert verify_with_cryptography(w.code.token, published_jwks())["jti"] == w.code.code_id


def test_malformed_strings(visit):
    for text in ("", "abc", "a.b", "a.b.c", "!!.??.**", "x" * 3000, "e30.e30.e30"):
        assert code_verify(text).status in (CodeStatus.MALFORMED, CodeStatus.UNKNOWN_KEY), text
    assert code_verify("abc").status == CodeStatus.MALFORMED


def test_rotation_keeps_old_codes_valid_and_retiring_a_key_ends_them(visit):
    w = visit
    old_kid = w.code.kid
    new_kid = keys.keys_rotate()
    assert new_kid != old_kid and keys.code_keys().kid == new_kid
    assert {k["kid"] for k in published_jwks()["keys"]} == {old_kid, new_kid}
    assert code_verify(w.code.token).status == CodeStatus.VALID  # signed with the old key
    second = w.code.__class__.objects.get(pk=w.code.pk)
    assert second.kid == old_kid
    with pytest.raises(keys.CodeKeyError, match="正在用于签名"):
        keys.keys_retire(new_kid)
    keys.keys_retire(old_kid)
    assert code_verify(w.code.token).status == CodeStatus.UNKNOWN_KEY
    assert [k["kid"] for k in published_jwks()["keys"]] == [new_kid]


def test_keys_from_the_environment_and_bad_key_sets(settings, tmp_path):
    good = {"keys": [keys.key_generate()]}
    settings.ZHIFA_CODE_KEYS = json.dumps(good)
    assert keys.code_keys().kid == good["keys"][0]["kid"]
    with pytest.raises(keys.CodeKeyError, match="ZHIFA_CODE_KEYS"):
        keys.keys_rotate()  # a key set from the environment is changed where it is deployed
    for bad, message in (
        ({"keys": []}, "为空"),
        ({"keys": [{"kty": "RSA", "kid": "a"}]}, "不是 Ed25519"),
        ({"keys": [{**good["keys"][0], "d": ""}]}, "缺少私钥"),
        ({"keys": [good["keys"][0], good["keys"][0]]}, "重复"),
    ):
        with pytest.raises(keys.CodeKeyError, match=message):
            keys.keys_parse(bad)
    settings.ZHIFA_CODE_KEYS = ""
    settings.ZHIFA_CODE_KEYS_FILE = tmp_path / "none" / "keys.json"
    settings.ZHIFA_KEYS_AUTOCREATE = False
    with pytest.raises(keys.CodeKeyError, match="不存在"):
        keys.code_keys()
    settings.ZHIFA_KEYS_AUTOCREATE = True
    assert keys.code_keys().kid  # made on first use
    assert oct(settings.ZHIFA_CODE_KEYS_FILE.stat().st_mode)[-3:] == "600"
