"""Extension points for apps above core (core imports none of them).

* dashboard panels: ``@dashboard_panel(order)`` on ``(request) -> (template, context) | None``;
* client panels: ``@client_panel(order)`` on ``(request, client) -> (template, context) | None``,
  sections that higher apps add to the client's clinical page;
* details sections: ``@client_detail_section(order)``, the same for the client's
  Details tab (shown to everyone who may see the client's details, e.g. portal access);
* demo loaders: ``@demo_loader(order)`` on ``(clinic, staff_by_username) -> None``, each
  app's part of ``manage.py seed_demo``;
* audit subjects: ``@audit_subjects`` on ``(user) -> [(public_id, label)]``, the
  clients an audit reader may filter by;
* clinic settings: ``settings_section(SettingsSection(...))``, a group of the clinic
  settings page for settings a higher app owns.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest

Panel = Callable[[HttpRequest], tuple[str, dict[str, Any]] | None]
_panels: list[tuple[int, Panel]] = []
_client_panels: list[tuple[int, Callable[[HttpRequest, Any], Any]]] = []
_subject_sources: list[Callable[[Any], list[tuple[str, str]]]] = []


def dashboard_panel(order: int) -> Callable[[Panel], Panel]:
    def decorator(panel: Panel) -> Panel:
        _panels.append((order, panel))
        _panels.sort(key=lambda item: item[0])
        return panel

    return decorator


def dashboard_panels(request: HttpRequest) -> list[tuple[str, dict[str, Any]]]:
    rendered = (panel(request) for _order, panel in _panels)
    return [item for item in rendered if item is not None]


def client_panel(order: int) -> Callable:
    def decorator(panel: Callable[[HttpRequest, Any], Any]) -> Callable:
        _client_panels.append((order, panel))
        _client_panels.sort(key=lambda item: item[0])
        return panel

    return decorator


def client_panels(request: HttpRequest, client: Any) -> list[tuple[str, dict[str, Any]]]:
    rendered = (panel(request, client) for _order, panel in _client_panels)
    return [item for item in rendered if item is not None]


_detail_sections: list[tuple[int, Callable[[HttpRequest, Any], Any]]] = []


def client_detail_section(order: int) -> Callable:
    def decorator(section: Callable[[HttpRequest, Any], Any]) -> Callable:
        _detail_sections.append((order, section))
        _detail_sections.sort(key=lambda item: item[0])
        return section

    return decorator


def client_detail_sections(request: HttpRequest, client: Any) -> list[tuple[str, dict[str, Any]]]:
    rendered = (section(request, client) for _order, section in _detail_sections)
    return [item for item in rendered if item is not None]


DemoLoader = Callable[[Any, dict[str, Any]], None]
_demo_loaders: list[tuple[int, DemoLoader]] = []


def demo_loader(order: int) -> Callable[[DemoLoader], DemoLoader]:
    def decorator(loader: DemoLoader) -> DemoLoader:
        _demo_loaders.append((order, loader))
        _demo_loaders.sort(key=lambda item: item[0])
        return loader

    return decorator


def demo_loaders() -> list[DemoLoader]:
    return [loader for _order, loader in _demo_loaders]


# What needs action: ``@needs_action_source`` on ``(user) -> [(kind, count, label)]``,
# the counts the navigation shows as badges (``label`` reads "3 unsigned notes").
NeedsAction = Callable[[Any], list[tuple[str, int, str]]]
_needs_action_sources: list[NeedsAction] = []


def needs_action_source(source: NeedsAction) -> NeedsAction:
    _needs_action_sources.append(source)
    return source


def needs_action_sources() -> list[NeedsAction]:
    return list(_needs_action_sources)


def audit_subjects(source: Callable[[Any], list[tuple[str, str]]]) -> Callable:
    _subject_sources.append(source)
    return source


def audit_subject_choices(user: Any) -> list[tuple[str, str]]:
    return [choice for source in _subject_sources for choice in source(user)]


@dataclass(frozen=True)
class SettingsSection:
    """One group of the clinic settings page, contributed by the app that owns the settings.

    ``build(request, data)`` returns the section's context: at least ``form`` (bound to
    ``data`` when this section was posted) and ``effects``, the current settings in
    plain words. ``save(request, context)`` runs when that form is valid; it records
    the audit event and returns the message to show.
    """

    key: str
    title: str
    order: int
    build: Callable[[HttpRequest, Any], dict[str, Any]]
    save: Callable[[HttpRequest, dict[str, Any]], str]
    template: str = "core/settings/section.html"


_settings_sections: list[SettingsSection] = []


def settings_section(section: SettingsSection) -> SettingsSection:
    _settings_sections[:] = [s for s in _settings_sections if s.key != section.key]
    _settings_sections.append(section)
    _settings_sections.sort(key=lambda s: s.order)
    return section


def settings_sections() -> list[SettingsSection]:
    return list(_settings_sections)
