from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.management.base import BaseCommand
from django.db import models, transaction

from zhenxing.audit import services as audit
from zhenxing.common.crypto import (
    decrypt_id_number,
    decrypt_phone,
    encrypt_id_number,
    encrypt_phone,
    id_number_index,
    is_under_current_key,
)
from zhenxing.portal.models import Application
from zhenxing.registry.models import Household, IdConflict, Person

BATCH = 2000

# (model, ciphertext field, how to decrypt, how to encrypt, the blind-index field kept beside it or "")
Sealed = tuple[type[models.Model], str, Callable[[bytes], str], Callable[[str], bytes], str]
SEALED: tuple[Sealed, ...] = (
    (Person, "id_number_encrypted", decrypt_id_number, encrypt_id_number, "id_number_index"),
    (Person, "phone_encrypted", decrypt_phone, encrypt_phone, ""),
    (Household, "contact_phone_encrypted", decrypt_phone, encrypt_phone, ""),
    (IdConflict, "id_number_encrypted", decrypt_id_number, encrypt_id_number, "id_number_index"),
    (IdConflict, "previous_id_encrypted", decrypt_id_number, encrypt_id_number, "previous_id_index"),
    (Application, "id_number_encrypted", decrypt_id_number, encrypt_id_number, "id_number_index"),
    (Application, "phone_encrypted", decrypt_phone, encrypt_phone, ""),
)


class Command(BaseCommand):
    help = (
        "更换数据密钥：把证件号码、联系电话的密文和证件号码查询索引改为用当前 ZHENXING_DATA_KEY 生成"
        "（人员、农户、证件号码冲突、自主申报）。运行前把旧密钥放在 ZHENXING_DATA_KEY_PREVIOUS（逗号分隔）；"
        "可重复运行，已更换的行会跳过。"
    )

    def handle(self, *args: Any, **options: Any) -> None:
        rotated: dict[str, int] = {}
        for model, field, decrypt, encrypt, index_field in SEALED:
            label = f"{model._meta.label_lower}.{field}"
            rotated[label] = self._rotate(model, field, decrypt, encrypt, index_field)
            self.stderr.write(f"\r{label}：已更换 {rotated[label]}\n")
        with transaction.atomic():
            audit.record(
                actor=None,
                action="data_key.rotate",
                target=("registry.person", "*"),
                new={"rotated": sum(rotated.values()), "by_field": rotated},
            )
        self.stdout.write(
            f"\n完成：{sum(rotated.values())} 个密文已改用当前密钥。确认无误后可去掉 ZHENXING_DATA_KEY_PREVIOUS。"
        )

    def _rotate(
        self,
        model: type[models.Model],
        field: str,
        decrypt: Callable[[bytes], str],
        encrypt: Callable[[str], bytes],
        index_field: str,
    ) -> int:
        rotated = last = 0
        manager = model._default_manager
        while True:
            with transaction.atomic():
                rows = list(
                    manager.select_for_update()
                    .filter(pk__gt=last, **{f"{field}__isnull": False})
                    .order_by("pk")[:BATCH]
                )
                if not rows:
                    return rotated
                changed = []
                for row in rows:
                    blob = bytes(getattr(row, field))
                    if is_under_current_key(blob):
                        continue
                    plain = decrypt(blob)
                    setattr(row, field, encrypt(plain))
                    # a disputed person has no index (conflicts.py): it stays without one
                    if index_field and getattr(row, index_field) is not None:
                        setattr(row, index_field, id_number_index(plain))
                    changed.append(row)
                fields = [field, index_field] if index_field else [field]
                manager.bulk_update(changed, fields)
                rotated += len(changed)
                last = rows[-1].pk
