from tests.authz import POST_ONLY, Row, outcomes

EXPECTED = {
    "intake:site_figures": Row(outcomes(default=403, admin=200)),
    "intake:form_started": Row(POST_ONLY),
}
