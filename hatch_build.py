"""Build hook: what a wheel needs beyond the Python package, so that it runs outside the checkout."""

from __future__ import annotations

from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from hatchling.builders.hooks.plugin.interface import BuildHookInterface

# The design keeps these folders at the top of the repository; a built wheel carries them inside the package,
# where registry/__init__.py looks first. An editable install reads them where they are.
RESOURCE_FOLDERS = ("templates", "static", "migrations", "seed")


class WheelContents(BuildHookInterface):
    """Compiled translations for every wheel; the resource folders for a built (not an editable) one."""

    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict) -> None:
        """Compile the catalogues next to their .po files; map the resource folders into registry/."""
        self.compile_translations()
        if version == "standard":
            for folder in RESOURCE_FOLDERS:
                build_data["force_include"][str(Path(self.root, folder))] = f"registry/{folder}"

    def compile_translations(self) -> None:
        """messages.po → messages.mo, fuzzy entries included, as `pybabel compile --use-fuzzy` does."""
        for po in sorted(Path(self.root, "registry", "translations").glob("*/LC_MESSAGES/messages.po")):
            with po.open("rb") as source:
                catalogue = read_po(source, locale=po.parent.parent.name)
            with po.with_suffix(".mo").open("wb") as target:
                write_mo(target, catalogue, use_fuzzy=True)
