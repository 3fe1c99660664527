"""Settings: defaults < monitor.toml < environment < saved settings; bands from settings."""

from __future__ import annotations

import pytest

from monitor.errors import MonitorError
from monitor.settings import Settings, load_settings, with_bands
from monitor.store import config


def test_precedence(tmp_path, monkeypatch):
    toml = tmp_path / "monitor.toml"
    toml.write_text("min_group_size = 4\nname_only_gap = 0.5\nalpha_low = 0.6\n")
    monkeypatch.setenv("MONITOR_MIN_GROUP_SIZE", "6")
    monkeypatch.delenv("MONITOR_NAME_ONLY_GAP", raising=False)
    got = load_settings(toml, stored={"name_only_gap": "1.25"})
    assert got.min_group_size == 6  # environment over file
    assert got.name_only_gap == 1.25  # saved over file
    assert got.alpha_low == 0.6  # file over default
    got = load_settings(toml, stored={"min_group_size": "8", "max_upload_mb": "1"})
    assert got.min_group_size == 8
    assert got.max_upload_mb == Settings().max_upload_mb  # not editable on the page


def test_bad_settings_are_refused(tmp_path):
    with pytest.raises(MonitorError, match="band_borderline"):
        load_settings(tmp_path / "none.toml", {"band_strength": "3", "band_borderline": "3.5"})
    with pytest.raises(MonitorError, match="min_group_size"):
        load_settings(tmp_path / "none.toml", {"min_group_size": "0"})


def test_bands_follow_the_settings(instrument):
    assert with_bands(instrument, Settings()) == instrument
    moved = with_bands(instrument, Settings(band_strength=4.5, band_borderline=2.5))
    assert moved.band(4.2).key == "borderline"
    assert moved.band(2.6).key == "borderline"
    assert moved.band(2.4).key == "concern"


def test_saved_settings_round_trip(db):
    assert config.stored_settings(db) == {}
    config.save_settings(db, {"min_group_size": 5, "alpha_low": 0.8}, who="admin")
    assert config.stored_settings(db) == {"alpha_low": "0.8", "min_group_size": "5"}
    config.save_settings(db, {"min_group_size": None})
    assert config.stored_settings(db) == {"alpha_low": "0.8"}
