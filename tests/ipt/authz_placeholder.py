"""Rows for the episode workspace sections still being built (replaced feature by feature)."""

from tests.authz import Row, episode, outcomes

EXPECTED = {
    name: Row(outcomes(anon=404, no2fa=404, default=404), episode)
    for name in [
        "ipt:initial_phase",
        "ipt:formulation",
        "ipt:contract",
        "ipt:inventory",
        "ipt:timeline",
        "ipt:notes",
        "ipt:termination",
    ]
}
