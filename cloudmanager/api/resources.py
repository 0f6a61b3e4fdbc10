"""API resources: each domain's operations live in `cloudmanager/api/resources_<domain>.py`."""

from flask import g

from cloudmanager.api.registry import operation
from cloudmanager.api.schemas import ApiModel


class TokenInfo(ApiModel):
    """The token making the call and its owner."""

    token_name: str
    token_prefix: str
    scopes: list[str]
    user_email: str
    user_role: str


@operation("/me", scope="", tag="Account", summary="Who am I", response=TokenInfo)
def me():
    """The token's name, its effective scopes and its owner's role."""
    token = g.api_token
    return TokenInfo(
        token_name=token.name,
        token_prefix=token.prefix,
        scopes=sorted(g.api_scopes),
        user_email=token.user.email,
        user_role=token.user.role,
    )
