"""A learning platform simulated on loopback for the LTI tests: its own RSA keys and JWKS,
signed id_tokens, a token endpoint checking the tool's client assertion, and AGS endpoints
recording the line items created and the scores posted."""

from __future__ import annotations

import asyncio
import json
import threading
import time
import uuid

import jwt
import tornado.httpserver
import tornado.ioloop
import tornado.web
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm
from lms_support import free_port

CLIENT_ID, DEPLOYMENT = "course-tool-1", "deployment-7"
AGS_SCOPES = [
    "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem",
    "https://purl.imsglobal.org/spec/lti-ags/scope/result.readonly",
    "https://purl.imsglobal.org/spec/lti-ags/scope/score",
]


def _key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _pem(key: rsa.RSAPrivateKey) -> tuple[str, str]:
    private = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    public = (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    return private, public


class Served:
    """A tornado application on its own loop and thread, on a loopback port."""

    def __init__(self, app: tornado.web.Application, port: int | None = None) -> None:
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        ready = threading.Event()

        def run() -> None:
            asyncio.set_event_loop(asyncio.new_event_loop())
            self.loop = tornado.ioloop.IOLoop.current()
            self.server = tornado.httpserver.HTTPServer(app)
            self.server.listen(self.port, "127.0.0.1")
            ready.set()
            self.loop.start()

        self.thread = threading.Thread(target=run, daemon=True)
        self.thread.start()
        ready.wait(10)

    def stop(self) -> None:
        self.loop.add_callback(self.server.stop)
        self.loop.add_callback(self.loop.stop)
        self.thread.join(10)


class Platform:
    """The LMS: signs launches, serves its JWKS, issues tokens and records posted scores."""

    def __init__(self, tool_public_pem: str) -> None:
        self.key = _key()
        self.kid = "platform-key-1"
        self.scores: list[tuple[str, dict]] = []
        self.lineitems: dict[str, dict] = {}
        self.tokens: set[str] = set()
        platform = self

        class Jwks(tornado.web.RequestHandler):
            def get(self) -> None:
                jwk = json.loads(RSAAlgorithm.to_jwk(platform.key.public_key()))
                self.finish({"keys": [{**jwk, "kid": platform.kid, "alg": "RS256", "use": "sig"}]})

        class Token(tornado.web.RequestHandler):
            def post(self) -> None:
                assertion = self.get_argument("client_assertion")
                claims = jwt.decode(
                    assertion,
                    tool_public_pem,
                    algorithms=["RS256"],
                    audience=platform.url + "/token",
                )
                assert claims["iss"] == claims["sub"] == CLIENT_ID
                token = uuid.uuid4().hex
                platform.tokens.add(token)
                self.finish(
                    {
                        "access_token": token,
                        "token_type": "Bearer",
                        "expires_in": 3600,
                        "scope": self.get_argument("scope"),
                    }
                )

        class Authorised(tornado.web.RequestHandler):
            def prepare(self) -> None:
                given = self.request.headers.get("Authorization", "")
                if given.removeprefix("Bearer ") not in platform.tokens:
                    self.send_error(401)

        class LineItems(Authorised):
            def get(self) -> None:
                self.set_header("Content-Type", "application/vnd.ims.lis.v2.lineitemcontainer+json")
                self.finish(json.dumps(list(platform.lineitems.values())))

            def post(self) -> None:
                item = json.loads(self.request.body)
                item["id"] = f"{platform.url}/lineitems/{len(platform.lineitems) + 1}"
                platform.lineitems[item["id"]] = item
                self.set_header("Content-Type", "application/vnd.ims.lis.v2.lineitem+json")
                self.finish(json.dumps(item))

        class Scores(Authorised):
            def post(self, number: str) -> None:
                assert self.request.headers["Content-Type"].startswith(
                    "application/vnd.ims.lis.v1.score+json"
                )
                platform.scores.append(
                    (f"{platform.url}/lineitems/{number}", json.loads(self.request.body))
                )
                self.set_status(204)

        self.served = Served(
            tornado.web.Application(
                [
                    (r"/jwks", Jwks),
                    (r"/token", Token),
                    (r"/lineitems", LineItems),
                    (r"/lineitems/(\d+)/scores", Scores),
                ]
            )
        )
        self.url = self.served.url
        self.issuer = self.url
        module_item = {
            "id": f"{self.url}/lineitems/1",
            "label": "Module 2",
            "scoreMaximum": 1,
            "resourceLinkId": "link-module-2",
        }
        self.lineitems[module_item["id"]] = module_item

    def id_token(
        self,
        nonce: str,
        *,
        cohort: str,
        module: str,
        sub: str = "lms-user-5521",
        key: rsa.RSAPrivateKey | None = None,
        expires_in: int = 300,
        extra: dict | None = None,
    ) -> str:
        now = int(time.time())
        claims = {
            "iss": self.issuer,
            "aud": CLIENT_ID,
            "azp": CLIENT_ID,
            "sub": sub,
            "iat": now - 5,
            "exp": now + expires_in,
            "nonce": nonce,
            "name": "Priya Natarajan",
            "email": "priya.natarajan@example.org",
            "https://purl.imsglobal.org/spec/lti/claim/message_type": "LtiResourceLinkRequest",
            "https://purl.imsglobal.org/spec/lti/claim/version": "1.3.0",
            "https://purl.imsglobal.org/spec/lti/claim/deployment_id": DEPLOYMENT,
            "https://purl.imsglobal.org/spec/lti/claim/target_link_uri": "",
            "https://purl.imsglobal.org/spec/lti/claim/resource_link": {"id": "link-module-2"},
            "https://purl.imsglobal.org/spec/lti/claim/roles": [
                "http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"
            ],
            "https://purl.imsglobal.org/spec/lti/claim/custom": {
                "cohort": cohort,
                "module": module,
            },
            "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint": {
                "scope": AGS_SCOPES,
                "lineitems": f"{self.url}/lineitems",
                "lineitem": f"{self.url}/lineitems/1",
            },
        }
        claims.update(extra or {})
        return jwt.encode(claims, key or self.key, algorithm="RS256", headers={"kid": self.kid})
