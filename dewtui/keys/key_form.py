"""The fields of a new key and their checks, written once for the create-key dialog and
step 1 of the import wizard.

Alias, key algorithm, usage (only what the algorithm allows), description and tags — plus
origin and project when the key is created here rather than for imported material. The
checks are the engine's own pure validators (`engine.catalog`), so the form and the engine
never disagree; the engine still re-checks everything when the key is created.
"""
from __future__ import annotations

from typing import Iterable, Iterator, Sequence

from textual.containers import Horizontal
from textual.widget import Widget
from textual.widgets import Input, Label, Select, Static

from dewtui.keys.requests import CreateKeyRequest
from engine import DewError
from engine.catalog import SPECS, check_key_alias, check_key_description, normalize_tags

DEFAULT_SPEC = "AES_256"
KEY_FIELDS = ("alias", "description", "origin", "tags")  # the fields marked when wrong


def parse_tags(text: str) -> list[tuple[str, str]]:
    """`k=v, k2=v2` (a bare `k` means an empty value) → validated pairs; DewError if wrong."""
    pairs = []
    for item in (p.strip() for p in text.split(",")):
        if item:
            k, _, v = item.partition("=")
            pairs.append((k.strip(), v.strip()))
    return normalize_tags(pairs)


def refused_key_field(err: DewError) -> str | None:
    """The new-key field an engine refusal of create_key concerns."""
    if err.code in ("KMS.1101", "KMS.1104"):
        return "alias"
    if err.code == "KMS.1103":
        return "description"
    if err.code.startswith("KMS.04") or "tag" in err.message.lower():
        return "tags"
    if "project" in err.message.lower():
        return "project"
    return None


def field_row(label: str, widget: Widget) -> Horizontal:
    return Horizontal(Label(label, classes="field-label"), widget, classes="field")


class NewKeyForm:
    """Mixin of a dialog asking for a new key: compose with `key_rows()`, forward the spec
    select's changes to `offer_usages()`, and build the request with `key_request()`."""

    max_tags: int

    def key_rows(self, specs: Iterable[str], origins: Sequence[tuple[str, str]] = (),
                 projects: Sequence[str] = ()) -> Iterator[Widget]:
        yield field_row("Alias", Input(placeholder="letters, digits, _ - : /  (up to 255)", id="alias"))
        yield field_row("Key algorithm", Select([(s, s) for s in specs], value=DEFAULT_SPEC,
                                                allow_blank=False, id="spec"))
        yield field_row("Usage", Select([(u, u) for u in SPECS[DEFAULT_SPEC].usages], allow_blank=False, id="usage"))
        if origins:
            yield field_row("Origin", Select(origins, value=origins[0][1], allow_blank=False, id="origin"))
        yield field_row("Description", Input(placeholder="optional, up to 255 characters", id="description"))
        if projects:
            yield field_row("Project", Select([(p, p) for p in projects], value=projects[0],
                                              allow_blank=False, id="project"))
        yield field_row("Tags", Input(placeholder="optional: key=value, key2=value2", id="tags"))

    def offer_usages(self, event: Select.Changed) -> None:
        """The algorithm changed: offer its usages, its default one chosen."""
        if event.select.id == "spec" and isinstance(event.value, str):
            usage = self.query_one("#usage", Select)  # type: ignore[attr-defined]
            usages = SPECS[event.value].usages
            usage.set_options([(u, u) for u in usages])
            usage.value = usages[0]

    def key_request(self, origin: str, project: str = "default", show_empty_alias: bool = True,
                    also: dict[str, str] | None = None) -> CreateKeyRequest | None:
        """Mark wrong fields and list what is wrong (then what the dialog found wrong itself,
        `also`); the request when all is well and an alias was typed."""
        errors: dict[str, str] = {}
        q = self.query_one  # type: ignore[attr-defined]
        alias = q("#alias", Input).value
        spec = str(q("#spec", Select).value)
        description = q("#description", Input).value
        tags: list[tuple[str, str]] = []
        if alias or show_empty_alias:
            try:
                check_key_alias(alias)
            except DewError as e:
                errors["alias"] = e.message
        try:
            check_key_description(description)
        except DewError as e:
            errors["description"] = e.message
        if origin == "external" and not SPECS[spec].importable:
            errors["origin"] = f"{spec} keys cannot have imported material: choose kms"
        try:
            tags = parse_tags(q("#tags", Input).value)
            if len(tags) > self.max_tags:
                errors["tags"] = f"at most {self.max_tags} tags per key"
        except DewError as e:
            errors["tags"] = e.message
        errors.update(also or {})
        for name in KEY_FIELDS:
            for field in self.query(f"#{name}"):  # type: ignore[attr-defined]
                field.set_class(name in errors, "-invalid")
        q("#errors", Static).update("\n".join(f"• {m}" for m in errors.values()))
        if errors or not alias:
            return None
        return CreateKeyRequest(key_alias=alias, key_spec=spec, key_usage=str(q("#usage", Select).value),
                                key_description=description, origin=origin,
                                enterprise_project_id=project, tags=tuple(tags))
