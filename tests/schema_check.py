#!/usr/bin/env python3
"""Checks cmrctl's JSON output against the schemas in docs/schema (docs/design.md explains them).

    import schema_check                      # with tests/ on sys.path
    schema_check.validate(json.loads(out), "analyze.schema.json")
    schema_check.validate(event, "watch.schema.json#/$defs/alarm_change")

validate() raises SchemaMismatch naming the schema and every place where the instance breaks
it; a schema that is itself broken raises jsonschema's SchemaError. References between the
schemas ("channel.schema.json", "status.schema.json#/$defs/device") resolve to the files next
to each other, never over the network. Works with python3-jsonschema 4.10 (Debian 12:
RefResolver) and with 4.18 and later (the `referencing` package).

From a shell, for JSON documents or JSON Lines (`cmrctl watch --json`), one value per line:

    tests/schema_check.py analyze.schema.json report.json
    timeout -s INT 60 cmrctl watch --json | tests/schema_check.py --lines watch.schema.json -
"""

import json
import os
import sys

import jsonschema

SCHEMA_DIR = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                          "docs", "schema")

# How many violations a message lists before it says "... and N more".
MAX_LISTED = 20

_schemas = {}


class SchemaMismatch(AssertionError):
    """An instance does not follow its schema. `errors` holds jsonschema's ValidationErrors."""

    def __init__(self, message, errors):
        super().__init__(message)
        self.errors = errors


def load_schema(name):
    """The schema docs/schema/NAME (e.g. "channel.schema.json"), read once and checked against
    the draft 2020-12 meta-schema."""
    if name not in _schemas:
        path = os.path.join(SCHEMA_DIR, name)
        try:
            with open(path, encoding="utf-8") as schema_file:
                schema = json.load(schema_file)
        except OSError as error:
            raise FileNotFoundError(f"schema {name}: cannot read {path}: {error.strerror}") \
                from error
        except ValueError as error:
            raise ValueError(f"schema {name}: {path} is not JSON: {error}") from error
        jsonschema.Draft202012Validator.check_schema(schema)
        _schemas[name] = schema
    return _schemas[name]


def _all_schemas():
    """Every schema in docs/schema, by its $id."""
    schemas = {}
    for name in sorted(os.listdir(SCHEMA_DIR)):
        if name.endswith(".schema.json"):
            schema = load_schema(name)
            schemas[schema["$id"]] = schema
    return schemas


def _validator(schema_name):
    """A draft 2020-12 validator for SCHEMA_NAME ("watch.schema.json" or, for a part of one,
    "watch.schema.json#/$defs/alarm_change") that resolves references among the local files."""
    file_name, _, fragment = schema_name.partition("#")
    base_id = load_schema(file_name)["$id"]
    schema = {"$ref": base_id + "#" + fragment} if fragment else load_schema(file_name)
    schemas = _all_schemas()
    try:  # jsonschema 4.18 and later: a registry of the local schemas
        import referencing
        import referencing.jsonschema
        registry = referencing.Registry().with_resources(
            (uri, referencing.jsonschema.DRAFT202012.create_resource(contents))
            for uri, contents in schemas.items())
        return jsonschema.Draft202012Validator(schema, registry=registry)
    except (ImportError, TypeError):  # no `referencing`, or a jsonschema without `registry=`
        pass
    # Debian 12's jsonschema 4.10. The resolver files its referrer under base_uri: a wrapper
    # schema must not hide the file it points into.
    base_uri = "urn:cmrd:schema-check" if fragment else base_id
    resolver = jsonschema.RefResolver(base_uri=base_uri, referrer=schema, store=schemas)
    return jsonschema.Draft202012Validator(schema, resolver=resolver)


def _where(error):
    """The failing place in the instance, as "$.channels[2].cmrr_kind"."""
    text = "$"
    for part in error.absolute_path:
        text += f"[{part}]" if isinstance(part, int) else f".{part}"
    return text


def _describe(error):
    # An anyOf/oneOf failure says only "is not valid under any of the given schemas": name the
    # closest branch's own complaint instead.
    best = jsonschema.exceptions.best_match([error])
    keyword = "/".join(str(part) for part in best.absolute_schema_path)
    return f"{_where(best)}: {best.message} (schema: {keyword})"


def validate(instance, schema_name):
    """Checks INSTANCE (parsed JSON) against docs/schema/SCHEMA_NAME.
    @raises SchemaMismatch listing every violation: where in the instance, what, which rule."""
    errors = sorted(_validator(schema_name).iter_errors(instance),
                    key=lambda error: [str(part) for part in error.absolute_path])
    if not errors:
        return
    lines = [_describe(error) for error in errors[:MAX_LISTED]]
    if len(errors) > MAX_LISTED:
        lines.append(f"... and {len(errors) - MAX_LISTED} more")
    raise SchemaMismatch(f"JSON does not follow {schema_name} ({len(errors)} problem"
                         f"{'' if len(errors) == 1 else 's'}):\n  " + "\n  ".join(lines), errors)


def _main(argv):
    lines = "--lines" in argv
    args = [arg for arg in argv if arg != "--lines"]
    if len(args) < 2:
        print("usage: schema_check.py [--lines] SCHEMA FILE|- ...", file=sys.stderr)
        return 2
    schema_name, files = args[0], args[1:]
    failed = 0
    for name in files:
        try:
            load_schema(schema_name.partition("#")[0])
            stream = sys.stdin if name == "-" else open(name, encoding="utf-8")
            with stream:
                text = stream.read()
        except OSError as error:
            print(f"schema_check.py: {error}", file=sys.stderr)
            return 2
        values = ([(i + 1, line) for i, line in enumerate(text.splitlines()) if line.strip()]
                  if lines else [(None, text)])
        bad = 0
        for number, value in values:
            where = name if number is None else f"{name}:{number}"
            try:
                validate(json.loads(value), schema_name)
            except (SchemaMismatch, ValueError) as error:
                print(f"{where}: {error}", file=sys.stderr)
                bad += 1
        print(f"{name}: {len(values) - bad} of {len(values)} follow {schema_name}")
        failed += bad
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(_main(sys.argv[1:]))
