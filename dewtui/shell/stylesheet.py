"""Textual's stylesheet, parsed again only where what it is parsed from has changed.

Textual parses every style sheet again from scratch (ours: a thousand lines in seven files,
and each widget's default CSS) when the theme is set and again when a mode's first screen is
shown: twice while the app starts, each as long as the first parse, with the same variables
and the same sources but for a few widgets' defaults. This stylesheet keeps what it parsed
while the variables stay the same: a re-parse parses only the sources it has not parsed yet
(none, most times), and other variables (another theme) are parsed from scratch as before.
"""
from __future__ import annotations

from textual.css.stylesheet import Stylesheet


class ReparseOnChange(Stylesheet):
    def __init__(self, *, variables: dict[str, str] | None = None) -> None:
        super().__init__(variables=variables)
        self._parsed_with: dict[str, str] | None = None  # the variables the rules were parsed with

    def set_variables(self, variables: dict[str, str]) -> None:
        if variables != self._variables:  # the same ones: what was parsed with them stands
            super().set_variables(variables)

    def parse(self) -> None:
        super().parse()  # each source's rules come from the parse cache when parsed before
        self._parsed_with = dict(self._variables)

    def reparse(self) -> None:
        if self._parsed_with != self._variables:
            super().reparse()  # from scratch, with the new variables
            self._parsed_with = dict(self._variables)
        elif self._require_parse:
            self.parse()  # new sources only
        else:
            self._parsed_with = dict(self._variables)
