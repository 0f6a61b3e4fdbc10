"""The `flask` commands: seed-demo (idempotent) and create-admin (password policy)."""

from sqlalchemy import func, select

from cloudmanager.auth.models import User
from cloudmanager.auth.passwords import verify_password


def user_count(db) -> int:
    """How many users exist."""
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(User))


def test_seed_demo_twice_creates_the_demo_data_once(db, runner):
    first = runner.invoke(args=["seed-demo"])
    assert first.exit_code == 0, first.output
    after_first = user_count(db)

    second = runner.invoke(args=["seed-demo"])

    assert second.exit_code == 0, second.output
    assert after_first >= 4
    assert user_count(db) == after_first
    assert "users: 0 created" in second.output


def test_create_admin_creates_an_admin_with_the_given_password(db, runner):
    result = runner.invoke(
        args=[
            "create-admin",
            "--email",
            "Root@Example.com",
            "--name",
            "Rita Root",
            "--password",
            "violet-harbour-cactus-71",
        ]
    )

    assert result.exit_code == 0, result.output
    assert "Admin root@example.com created" in result.output
    user = db.session.scalar(select(User).where(User.email == "root@example.com"))
    assert user.role == "admin" and user.name == "Rita Root"
    assert verify_password(user.password_hash, "violet-harbour-cactus-71")


def test_create_admin_refuses_a_weak_password_with_a_clear_message(db, runner):
    result = runner.invoke(
        args=[
            "create-admin",
            "--email",
            "weak@example.com",
            "--name",
            "W",
            "--password",
            "password1234",
        ]
    )

    assert result.exit_code == 1
    assert "password: This password is too common or too easy to guess." in result.output
    assert user_count(db) == 0


def test_create_admin_refuses_a_duplicate_email(db, runner, make_user):
    make_user("agent", email="taken@example.com")

    result = runner.invoke(
        args=[
            "create-admin",
            "--email",
            "taken@example.com",
            "--name",
            "T",
            "--password",
            "violet-harbour-cactus-71",
        ]
    )

    assert result.exit_code == 1
    assert "email: A user with this email already exists." in result.output
