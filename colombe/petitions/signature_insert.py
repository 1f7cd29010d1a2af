"""A new signature and its confirmation email task, stored in one SQL statement.

Signing is the hot path of a campaign. Through the ORM it takes four round trips to the
database (BEGIN, two INSERTs, COMMIT) and a good part of its CPU building the INSERTs.
With PostgreSQL and the database task backend both rows go in one statement instead, a
data-modifying CTE, which PostgreSQL runs atomically: the unique constraint still
decides (an IntegrityError, and neither row is stored), and a task is never stored
without its signature, nor a signature without its task. The values are the ORM's own
(each field's ``pre_save`` and database preparation), so the columns follow the models;
the queued task is the one ``send_confirmation_email.enqueue`` would have stored."""

from contextlib import AbstractContextManager, nullcontext
from functools import lru_cache
from typing import Any

import psycopg
from django.db import DEFAULT_DB_ALIAS, connection, connections, models, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.utils import CursorWrapper
from django.db.models.signals import post_save, pre_save
from django_tasks.base import Task
from django_tasks.signals import task_enqueued
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.compat import normalize_json
from django_tasks_db.models import DBTaskResult, get_date_max

# The signature's id is not known before the INSERT: the task's arguments hold this in
# its place, and the statement writes the new id there.
UNKNOWN_ID = 0
# What save() sends its signals with, on the one database Colombe uses.
SAVE_SIGNAL_ARGUMENTS = {"raw": False, "using": connection.alias, "update_fields": None}


def available(task: Task[Any, Any]) -> bool:
    return connection.vendor == "postgresql" and isinstance(task.get_backend(), DatabaseBackend)


def insert_with_task(signature: models.Model, task: Task[Any, Any], *args: Any) -> None:
    """Store ``signature`` and queue ``task(signature.pk, *args)``; sets ``signature.pk``."""
    backend = task.get_backend()
    backend.validate_task(task)
    # Its id is the model's default (a UUID), as the backend's without an ID_FUNCTION.
    queued: DBTaskResult[Any, Any] = DBTaskResult(
        args_kwargs=normalize_json({"args": [UNKNOWN_ID, *args], "kwargs": {}}),
        priority=task.priority,
        task_path=task.module_path,
        queue_name=task.queue_name,
        run_after=task.run_after or get_date_max(),  # as the backend's pre_save sets it
        backend_name=backend.alias,
    )
    # Looked up once: through django.db.connection, every attribute read (two dozen per
    # signature, in the fields' value preparation) looks the thread's connection up again.
    database = connections[DEFAULT_DB_ALIAS]
    values = [
        *new_row_values(signature, database, with_pk=False),
        *new_row_values(queued, database, with_pk=True),
    ]
    with atomic_if_nested(database), server_binding_cursor(database) as cursor:
        cursor.execute(statement(type(signature), DBTaskResult), values)
        signature.pk = cursor.fetchone()[0]
    queued.args_kwargs["args"][0] = signature.pk
    for instance in (signature, queued):
        instance._state.adding = False
        post_save.send(type(instance), instance=instance, created=True, **SAVE_SIGNAL_ARGUMENTS)
    task_enqueued.send(type(backend), task_result=queued.task_result)


def server_binding_cursor(database: BaseDatabaseWrapper) -> CursorWrapper:
    """Django's cursor (health check, errors as Django's, queries logged when asked),
    sending the values apart from the statement: Django's own cursor writes each of the
    statement's 38 values into its text, which cost a twentieth of a signature's CPU."""
    database.close_if_health_check_failed()
    database.ensure_connection()
    database.validate_thread_sharing()
    # psycopg's plain cursor binds on the server (Django's is a ClientCursor). Any: the
    # type stubs have make_cursor() take Django's wrapper instead of the driver's cursor.
    cursor: Any = psycopg.Cursor(database.connection)
    if database.queries_logged:
        return database.make_debug_cursor(cursor)
    return database.make_cursor(cursor)


def atomic_if_nested(database: BaseDatabaseWrapper) -> AbstractContextManager[Any]:
    """On its own the statement is atomic. Inside a transaction, a failed statement
    would break the whole transaction: a savepoint keeps the caller's work usable."""
    if database.in_atomic_block:
        return transaction.atomic()
    return nullcontext()


@lru_cache(maxsize=4)
def statement(signature_model: type[models.Model], task_model: type[models.Model]) -> str:
    """The INSERT of both rows, built once: the task's arguments get the new id."""
    signature_fields = stored_fields(signature_model, with_pk=False)
    task_fields = stored_fields(task_model, with_pk=True)
    task_placeholders = [
        "jsonb_set(%s, '{args,0}', to_jsonb((SELECT id FROM new_signature)))"
        if field.name == "args_kwargs"
        else "%s"
        for field in task_fields
    ]
    return (
        f"WITH new_signature AS ("
        f"INSERT INTO {quoted(signature_model._meta.db_table)} ({columns(signature_fields)}) "
        f"VALUES ({', '.join(['%s'] * len(signature_fields))}) RETURNING id), "
        f"new_task AS ("
        f"INSERT INTO {quoted(task_model._meta.db_table)} ({columns(task_fields)}) "
        f"VALUES ({', '.join(task_placeholders)})) "
        f"SELECT id FROM new_signature"
    )


def stored_fields(model: type[models.Model], *, with_pk: bool) -> list[Any]:
    return [field for field in model._meta.concrete_fields if with_pk or not field.primary_key]


def columns(fields: list[Any]) -> str:
    return ", ".join(quoted(field.column) for field in fields)


def new_row_values(
    instance: models.Model, database: BaseDatabaseWrapper, *, with_pk: bool
) -> list[Any]:
    """The database values of a new row, as ``save()`` writes them (with its signals:
    the caller sends post_save once the row is stored)."""
    # Receivers may set values, as the task backend does (run_after).
    pre_save.send(type(instance), instance=instance, **SAVE_SIGNAL_ARGUMENTS)
    return [
        field.get_db_prep_save(field.pre_save(instance, True), database)
        for field in stored_fields(type(instance), with_pk=with_pk)
    ]


def quoted(name: str) -> str:
    return connection.ops.quote_name(name)
