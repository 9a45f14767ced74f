"""JupyterHub signing trainees in from an LMS (jupyterhub-ltiauthenticator, LTI 1.3): the
launch names the cohort and the module, and the course maps the hub user to a pseudonym."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import pytest
import requests
from hub_support import SECRET, server_ready, start_hub
from lms_support import unavailable, wait_for
from lti_platform import CLIENT_ID, Platform, _key, _pem

from recovery_capital.lms.hub import participant_for
from recovery_capital.store import Store

pytestmark = [pytest.mark.hub, pytest.mark.lti, pytest.mark.slow]

MODULE = "00-start-here.ipynb"


def test_an_lms_launch_signs_in_to_the_hub_and_opens_the_named_cohort_and_module(tmp_path):
    try:
        import ltiauthenticator  # noqa: F401
    except ImportError as exc:
        unavailable(f"jupyterhub-ltiauthenticator is not installed: {exc}")
    _, tool_public = _pem(_key())
    platform = Platform(tool_public)
    store_url = f"sqlite:///{tmp_path}/store.sqlite3"
    store = Store(store_url)
    default = store.create_cohort("Everyone else").code
    launched = store.create_cohort("Northshire, March").code
    hub = start_hub(
        tmp_path,
        store_url,
        default,
        MODULE,
        extra_config=f"""
c.JupyterHub.authenticator_class = "ltiauthenticator.lti13.auth.LTI13Authenticator"
c.LTI13Authenticator.issuer = {platform.issuer!r}
c.LTI13Authenticator.authorize_url = {platform.url + "/auth"!r}
c.LTI13Authenticator.jwks_endpoint = {platform.url + "/jwks"!r}
c.LTI13Authenticator.client_id = [{CLIENT_ID!r}]
c.LTI13Authenticator.username_key = "sub"
c.Authenticator.allow_all = True
c.Authenticator.enable_auth_state = True
""",
        extra_env={"JUPYTERHUB_CRYPT_KEY": "ab" * 32},
    )
    try:
        browser = requests.Session()
        reply = browser.get(
            f"{hub.base}/hub/lti13/oauth_login",
            allow_redirects=False,
            timeout=30,
            params={
                "iss": platform.issuer,
                "client_id": CLIENT_ID,
                "login_hint": "lms-user-77",
                "target_link_uri": f"{hub.base}/hub/",
            },
        )
        assert reply.status_code == 302, reply.text[:500]
        sent = {k: v[0] for k, v in parse_qs(urlparse(reply.headers["Location"]).query).items()}
        token = platform.id_token(sent["nonce"], cohort=launched, module=MODULE,
                                  sub="lms-user-77")  # fmt: skip
        back = browser.post(sent["redirect_uri"], data={"id_token": token, "state": sent["state"]},
                            allow_redirects=False, timeout=60)  # fmt: skip
        assert back.status_code == 302, back.text[:800]
        browser.get(f"{hub.base}/hub/spawn", timeout=60, allow_redirects=False)
        wait_for(lambda: server_ready(hub.base, "lms-user-77"), "the LMS user's server starting",
                 deadline=90, every=0.3)  # fmt: skip
        page = browser.get(f"{hub.base}/user/lms-user-77/", timeout=120)
        assert page.status_code == 200, page.text[:500]
        landed = urlparse(page.url)
        assert landed.path == f"/user/lms-user-77/voila/render/modules/{MODULE}"
        query = {k: v[0] for k, v in parse_qs(landed.query).items()}
        assert query["cohort"] == launched  # the launch's cohort, not the hub's default
        handle = store.identify(launched, query["secret"])  # a personal link, no handle
        assert handle == participant_for("lms-user-77", SECRET) and "handle" not in query
        assert store.participants(launched) == [handle]
        assert store.participants(default) == []
    finally:
        hub.stop()
        store.close()
        platform.served.stop()
