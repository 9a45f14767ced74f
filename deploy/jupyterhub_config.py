"""JupyterHub for the course: `jupyterhub -f deploy/jupyterhub_config.py` (docs/deployment.md).

Set, in the hub's service environment:
  RECOVERY_CAPITAL_STORE       postgresql+psycopg://recovery@db.internal/recovery_capital
  RECOVERY_CAPITAL_COURSE_DIR  /srv/course  (readable by every trainee's system user)
  RECOVERY_CAPITAL_COHORT      the cohort code trainees join (recovery-capital cohort create)
  RECOVERY_CAPITAL_HUB_SECRET  `openssl rand -hex 32`: turns hub user names into pseudonyms
"""

import os
from pathlib import Path

from recovery_capital.lms.hub import configure

c = get_config()  # noqa: F821 - provided by JupyterHub when it reads this file

configure(
    c,
    store_url=os.environ["RECOVERY_CAPITAL_STORE"],
    course_dir=os.environ["RECOVERY_CAPITAL_COURSE_DIR"],
    cohort=os.environ["RECOVERY_CAPITAL_COHORT"],
    module=os.environ.get("RECOVERY_CAPITAL_MODULE", "00-start-here.ipynb"),
    mem_limit="400M",  # a module page's kernel holds 110-140 MB once it has drawn a chart
    cpu_limit=1.0,
    concurrent_spawn_limit=10,  # kernel start-up is CPU-bound: pace a room arriving at once
    active_server_limit=60,
    idle_timeout=1800,
    templates=Path(__file__).with_name("templates"),  # the hub's own pages in the course look
)

# Sign-in: pick the hub's authenticator for your organisation (PAM, OAuth...). To sign
# trainees in from the LMS with LTI 1.3 (jupyterhub-ltiauthenticator, in the `hub` extra),
# letting each link's custom parameters `cohort` and `module` choose where they land:
#   c.JupyterHub.authenticator_class = "ltiauthenticator.lti13.auth.LTI13Authenticator"
#   c.LTI13Authenticator.issuer = "https://moodle.example.org"
#   c.LTI13Authenticator.authorize_url = "https://moodle.example.org/mod/lti/auth.php"
#   c.LTI13Authenticator.jwks_endpoint = "https://moodle.example.org/mod/lti/certs.php"
#   c.LTI13Authenticator.client_id = ["4Kx8dLQ2wV"]
#   c.LTI13Authenticator.username_key = "sub"   # the LMS's opaque id, not the e-mail address
#   c.Authenticator.allow_all = True
#   c.Authenticator.enable_auth_state = True     # needs JUPYTERHUB_CRYPT_KEY (openssl rand -hex 32)
# Grades then go back to the LMS gradebook when the course folder's course.yaml has an `lti:`
# section naming the same issuer and client id (its tool key signs the grade posts; docs/lms.md).
# Spawner: one that enforces mem_limit/cpu_limit (systemdspawner, DockerSpawner, KubeSpawner).
c.JupyterHub.bind_url = os.environ.get("RECOVERY_CAPITAL_HUB_URL", "http://127.0.0.1:8000")
