"""Writes on users, department API keys and assignments. Each records its audit event in its transaction."""

from __future__ import annotations

import datetime
import hashlib
import hmac
import secrets

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from zhenxing.accounts.capabilities import Capability, has_capability
from zhenxing.accounts.enums import (
    FINANCE_JURISDICTION_LEVELS,
    ROLE_JURISDICTION_LEVEL,
    SECTOR_JURISDICTION_LEVEL,
    AssignmentKind,
    Role,
)
from zhenxing.accounts.models import Assignment, DepartmentApiKey, Sector, User
from zhenxing.audit import services as audit
from zhenxing.common.enums import Department
from zhenxing.common.errors import Conflict, ErrorDetail, InvalidInput, PermissionDenied
from zhenxing.divisions.models import Division

API_KEY_PREFIX = "zx"


def _require(actor: User | None, capability: Capability) -> None:
    # actor None is the operator at the console (`zhenxing` commands), who already holds the server.
    if actor is not None and not has_capability(actor, capability):
        raise PermissionDenied("您没有执行此操作的权限")


def _user_snapshot(user: User) -> dict[str, object]:
    return {
        "username": user.username,
        "display_name": user.display_name,
        "role": user.role,
        "jurisdiction": user.jurisdiction.code if user.jurisdiction else None,
        "department": user.department,
        "sector": user.sector.code if user.sector else None,
        "is_active": user.is_active,
    }


def user_create(
    *,
    actor: User | None,
    username: str,
    password: str,
    role: Role,
    jurisdiction: Division | None = None,
    department: str = "",
    display_name: str = "",
    sector: Sector | None = None,
) -> User:
    _require(actor, Capability.MANAGE_USERS)
    problems: list[ErrorDetail] = []
    expected_level = ROLE_JURISDICTION_LEVEL.get(role)
    if expected_level is not None:
        if jurisdiction is None or jurisdiction.level != expected_level:
            problems.append(
                ErrorDetail(
                    ("jurisdiction",),
                    "jurisdiction_level",
                    f"{Role(role).label}级用户的管辖区划必须是一个{expected_level}级区划",
                )
            )
        department, sector = "", None
    elif role == Role.COUNTY_SECTOR:
        if jurisdiction is None or jurisdiction.level != SECTOR_JURISDICTION_LEVEL:
            problems.append(
                ErrorDetail(
                    ("jurisdiction",), "jurisdiction_level", "县行业部门用户的管辖区划必须是一个县级区划"
                )
            )
        if sector is None:
            problems.append(ErrorDetail(("sector",), "sector_required", "县行业部门用户必须指定行业"))
        department = ""
    elif role == Role.FINANCE:
        if jurisdiction is None or jurisdiction.level not in FINANCE_JURISDICTION_LEVELS:
            problems.append(
                ErrorDetail(
                    ("jurisdiction",), "jurisdiction_level", "财政用户的管辖区划必须是一个县级或州级区划"
                )
            )
        department, sector = "", None
    elif role == Role.DEPARTMENT:
        if department not in Department.values:
            problems.append(ErrorDetail(("department",), "department_unknown", "行业部门用户必须指定部门"))
        jurisdiction, sector = None, None
    else:
        jurisdiction, department, sector = None, "", None
    if User.objects.filter(username=username).exists():
        problems.append(ErrorDetail(("username",), "username_taken", f"用户名 {username} 已存在"))
    candidate = User(username=username, role=role, display_name=display_name)
    try:
        validate_password(password, user=candidate)
    except ValidationError as error:
        problems.extend(ErrorDetail(("password",), "password_weak", message) for message in error.messages)
    if problems:
        raise InvalidInput(problems)
    with transaction.atomic():
        user = User(
            username=username,
            role=role,
            jurisdiction=jurisdiction,
            department=department,
            sector=sector,
            display_name=display_name,
            # System administrators run the Django admin (users, keys, parameters): staff and superuser.
            is_staff=role == Role.ADMIN,
            is_superuser=role == Role.ADMIN,
        )
        user.set_password(password)
        user.save()
        audit.record(
            actor=actor, action="user.create", target=user, division=jurisdiction, new=_user_snapshot(user)
        )
    return user


def user_set_password(*, actor: User | None, user: User, password: str) -> User:
    if actor is None or actor.pk != user.pk:
        _require(actor, Capability.MANAGE_USERS)
    try:
        validate_password(password, user=user)
    except ValidationError as error:
        raise InvalidInput(
            [ErrorDetail(("password",), "password_weak", m) for m in error.messages]
        ) from error
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        locked.set_password(password)
        locked.save(update_fields=["password"])
        # The hash itself never enters the log; that the password changed does.
        audit.record(actor=actor, action="user.set_password", target=locked, division=locked.jurisdiction)
    return locked


def user_deactivate(*, actor: User | None, user: User, reason: str) -> User:
    _require(actor, Capability.MANAGE_USERS)
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        if not locked.is_active:
            return locked
        locked.is_active = False
        locked.save(update_fields=["is_active"])
        audit.record(
            actor=actor,
            action="user.deactivate",
            target=locked,
            division=locked.jurisdiction,
            old={"is_active": True},
            new={"is_active": False},
            reason=reason,
        )
    return locked


def login_record(*, user: User) -> None:
    with transaction.atomic():
        audit.record(actor=user, action="auth.login", target=user, division=user.jurisdiction)


def logout_record(*, user: User) -> None:
    with transaction.atomic():
        audit.record(actor=user, action="auth.logout", target=user, division=user.jurisdiction)


# --- department API keys --------------------------------------------------------------------------------


def _hash_key(raw_key: str) -> str:
    # The key is 256 random bits, so a plain SHA-256 is enough: there is nothing to brute-force.
    return hashlib.sha256(raw_key.encode("ascii")).hexdigest()


def api_key_create(*, actor: User | None, department: Department, name: str) -> tuple[DepartmentApiKey, str]:
    """Create a key; returns the row and the key in clear, which is shown once and never stored."""
    _require(actor, Capability.MANAGE_API_KEYS)
    if department not in Department.values:
        raise InvalidInput([ErrorDetail(("department",), "department_unknown", "未知部门")])
    if not name.strip():
        raise InvalidInput([ErrorDetail(("name",), "required", "请填写密钥用途说明")])
    if actor is None:
        raise PermissionDenied("创建接口密钥需要一名系统管理员作为登记人")
    prefix = secrets.token_hex(4)
    raw_key = f"{API_KEY_PREFIX}_{prefix}_{secrets.token_urlsafe(32)}"
    with transaction.atomic():
        key = DepartmentApiKey.objects.create(
            department=department,
            name=name.strip(),
            prefix=prefix,
            key_hash=_hash_key(raw_key),
            created_by=actor,
        )
        audit.record(
            actor=actor,
            action="apikey.create",
            target=key,
            new={"department": department, "name": key.name, "prefix": prefix},
        )
    return key, raw_key


def api_key_revoke(*, actor: User | None, key: DepartmentApiKey, reason: str = "") -> DepartmentApiKey:
    _require(actor, Capability.MANAGE_API_KEYS)
    with transaction.atomic():
        locked = DepartmentApiKey.objects.select_for_update().get(pk=key.pk)
        if locked.revoked_at is not None:
            raise Conflict("该密钥已吊销")
        locked.revoked_at = timezone.now()
        locked.save(update_fields=["revoked_at"])
        audit.record(
            actor=actor,
            action="apikey.revoke",
            target=locked,
            old={"revoked_at": None},
            new={"revoked_at": locked.revoked_at.isoformat()},
            reason=reason,
        )
    return locked


def api_key_authenticate(*, raw_key: str) -> DepartmentApiKey | None:
    """The active key matching `raw_key`, its last-used time brought up to date; None otherwise."""
    parts = raw_key.split("_", 2)
    if len(parts) != 3 or parts[0] != API_KEY_PREFIX or len(raw_key) > 200 or not raw_key.isprintable():
        return None
    key = DepartmentApiKey.objects.filter(prefix=parts[1], revoked_at__isnull=True).first()
    if key is None or not hmac.compare_digest(key.key_hash, _hash_key(raw_key)):
        return None
    now = timezone.now()
    # Bookkeeping, not a decision: kept off the audit log so that each push does not add a row.
    DepartmentApiKey.objects.filter(pk=key.pk).update(last_used_at=now)
    key.last_used_at = now
    return key


# --- assignments ----------------------------------------------------------------------------------------


def assignment_create(
    *,
    actor: User | None,
    user: User,
    kind: AssignmentKind,
    division: Division,
    starts_on: datetime.date,
    ends_on: datetime.date | None = None,
) -> Assignment:
    _require(actor, Capability.MANAGE_USERS)
    if ends_on is not None and ends_on < starts_on:
        raise InvalidInput([ErrorDetail(("ends_on",), "ends_before_start", "结束日期不能早于开始日期")])
    if user.role not in ROLE_JURISDICTION_LEVEL:
        raise InvalidInput(
            [ErrorDetail(("user",), "role_not_territorial", "只有村、乡镇、县、州用户可以有帮扶或驻村安排")]
        )
    registrar = actor or user
    with transaction.atomic():
        assignment = Assignment.objects.create(
            user=user,
            kind=kind,
            division=division,
            starts_on=starts_on,
            ends_on=ends_on,
            created_by=registrar,
        )
        audit.record(
            actor=actor,
            action="assignment.create",
            target=assignment,
            division=division,
            new={
                "user": user.username,
                "kind": kind,
                "division": division.code,
                "starts_on": starts_on.isoformat(),
                "ends_on": ends_on.isoformat() if ends_on else None,
            },
        )
    return assignment


def assignment_end(*, actor: User | None, assignment: Assignment, ends_on: datetime.date) -> Assignment:
    _require(actor, Capability.MANAGE_USERS)
    with transaction.atomic():
        locked = Assignment.objects.select_for_update().get(pk=assignment.pk)
        if ends_on < locked.starts_on:
            raise InvalidInput([ErrorDetail(("ends_on",), "ends_before_start", "结束日期不能早于开始日期")])
        old = locked.ends_on
        locked.ends_on = ends_on
        locked.save(update_fields=["ends_on"])
        audit.record(
            actor=actor,
            action="assignment.end",
            target=locked,
            division=locked.division,
            old={"ends_on": old.isoformat() if old else None},
            new={"ends_on": ends_on.isoformat()},
        )
    return locked
