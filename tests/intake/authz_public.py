from tests.authz import Row, outcomes

PUBLIC = outcomes(anon=200, no2fa=200, default=200)
ADMIN_ONLY = outcomes(default=403, admin=200)


def page(cast: object) -> dict:
    return {"slug": "what-is-ipt"}


EXPECTED = {
    "intake:home": Row(PUBLIC),
    "intake:page": Row(PUBLIC, page),
    "intake:consultation": Row(PUBLIC),
    "intake:page_list": Row(ADMIN_ONLY),
    "intake:page_edit": Row(ADMIN_ONLY, page),
}
