"""A Salesforce Campaign + CampaignMember export, and enrichment from ESP send logs, on real files."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from identity_graph.campaigns.enrich import enrich_from_send_logs
from identity_graph.campaigns.load import load_file, register
from identity_graph.campaigns.model import CampaignChannel
from identity_graph.campaigns.salesforce import campaigns_from_export, export_files
from identity_graph.cli.app import app
from identity_graph.errors import InputError, NotFound
from identity_graph.ingest import ingest
from identity_graph.model import Channel, IdentifierKind, RecordKind
from identity_graph.resolve.batch import resolve_all
from identity_graph.settings import Settings
from identity_graph.store import SQLiteStore, TimelineQuery

DATA = Path(__file__).parent / "data"
SF = DATA / "salesforce"


def test_salesforce_campaigns_join_the_registry_by_name_and_new_ones_are_added(store: SQLiteStore) -> None:
    registered = load_file(DATA / "campaigns.toml", "US").campaigns
    result = campaigns_from_export(SF / "Campaign.csv", registered)
    spring, open_day = result.campaigns
    assert spring.campaign_id == "spring-rate-2026"  # joined by name: what marketing registered is kept
    assert spring.sending_domains == ("acmebank-offers.com", "sendgrid.net")
    assert spring.external_ids == ("esp-7781", "7015g000000AbCdAAK")
    assert spring.owner == "0055g000001XyZaAAC"
    assert open_day.campaign_id == "7015g000000AbCeAAK" and open_day.registered_from == "salesforce"
    assert open_day.channel is CampaignChannel.MIXED and open_day.offer_text == "Open day at the Main St branch"
    assert [(p.line, p.reason) for p in result.problems] == [(4, "no StartDate")]
    register(store, result.campaigns, "cli:test")
    again = campaigns_from_export(SF / "Campaign.csv", store.campaigns())  # joined by its Salesforce Id now
    assert [c.campaign_id for c in again.campaigns] == ["spring-rate-2026", "7015g000000AbCeAAK"]
    assert register(store, again.campaigns, "cli:test").unchanged == 2


def test_an_export_folder_without_either_file_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"no Campaign\.csv or CampaignMember\.csv"):
        export_files(tmp_path)


def test_members_become_campaign_touches_of_the_contact(store: SQLiteStore, settings: Settings) -> None:
    ingest(store, "salesforce", "crm", [DATA / "crm_contacts.csv"], settings)
    done = ingest(store, "salesforce-campaign-members", "sf-campaigns", [SF / "CampaignMember.csv"], settings)
    assert (done.stats.interactions_loaded, done.stats.records_loaded, done.quarantined) == (3, 3, 2)
    assert any("CampaignMember.csv:5: neither ContactId nor LeadId" in r for r in done.rejects)
    member = store.find_record("sf-campaigns", "0035g00000K1aAAA")
    assert member is not None and member.kind is RecordKind.CAMPAIGN_RECIPIENT
    claimed = {(c.identifier.kind, c.identifier.value) for c in member.claimed}
    assert (IdentifierKind.CRM_ID, "salesforce:0035g00000k1aaaa") in claimed  # the id the contact declares
    resolve_all(store, settings)
    contact = store.find_record("crm", "0035g00000K1aAAA")
    assert contact is not None
    person = store.assignments([contact.id])[contact.id]
    items, _ = store.timeline(person, TimelineQuery(channels=[Channel.CAMPAIGN]))
    assert [(i.source_id, i.summary) for i in items] == [("00v5g00000A1AAAA", "Spring rate review: Responded")]
    act = store.get_interaction(items[0].interaction_id)
    assert act is not None and act.attributes["campaign_id"] == "7015g000000AbCdAAK"
    assert act.attributes["event"] == "responded"
    again = ingest(store, "salesforce-campaign-members", "sf-campaigns", [SF / "CampaignMember.csv"], settings)
    assert again.stats.interactions_unchanged == 3 and again.stats.loaded == 0


def test_enrichment_adds_what_the_send_logs_know_to_the_matching_campaigns(
    store: SQLiteStore, settings: Settings
) -> None:
    register(store, load_file(DATA / "campaigns.toml", "US").campaigns, "cli:test")
    register(store, load_file(DATA / "campaigns.csv", "US").campaigns, "cli:test")
    ingest(store, "esp-csv", "esp", [DATA / "esp" / "sends.csv"], settings, mapping=DATA / "esp" / "mapping.toml")
    result = enrich_from_send_logs(store, "cli:test")
    assert result.sends == 5
    assert sorted(result.enriched) == ["spring-rate-2026", "welcome-2026"]
    assert result.unmatched == ["Autumn Gala"]  # never registered by guess
    spring = store.campaign("spring-rate-2026")  # matched by the ESP's id among its external ids
    assert spring is not None
    assert spring.subjects == ("Your spring rate review is ready", "Bo, your spring rate review")
    assert spring.sender_addresses == ("offers@news.acmebank-offers.com",)
    welcome = store.campaign("welcome-2026")  # matched by name (case aside); gains the ESP id
    assert welcome is not None and "w-1" in welcome.external_ids
    assert welcome.sending_domains == ("acmebank.com", "acmebank.co.uk", "acme-mailer.net")
    assert "hello@bounce.acme-mailer.net" in welcome.sender_addresses
    assert enrich_from_send_logs(store, "cli:test").enriched == []  # a second run changes nothing
    assert store.audit_entries(target="campaign:welcome-2026")[0].action == "campaign.save"


def test_the_cli_loads_lists_shows_enriches_and_removes(tmp_path: Path) -> None:
    runner = CliRunner()
    db = ["--db", str(tmp_path / "cli.db")]
    first = runner.invoke(app, [*db, "campaigns", "load", str(DATA / "campaigns.toml")])
    assert first.exit_code == 0, first.output
    assert "3 added, 0 changed, 0 unchanged, 1 set aside" in first.output
    assert "campaigns.toml:43:" in first.output
    again = runner.invoke(app, [*db, "campaigns", "load", str(DATA / "campaigns.toml")])
    assert "0 added, 0 changed, 3 unchanged" in again.output
    folder = runner.invoke(app, [*db, "campaigns", "load", str(SF)])
    assert folder.exit_code == 0, folder.output
    assert "campaign members: 6 loaded" in folder.output and "2 set aside" in folder.output
    listed = runner.invoke(app, [*db, "campaigns", "list"])
    assert "spring-rate-2026" in listed.output and "7015g000000AbCeAAK" in listed.output
    shown = runner.invoke(app, [*db, "campaigns", "show", "spring-rate-2026"])
    assert "It never asks for a password" in shown.output and "acmebank-offers.com" in shown.output
    assert runner.invoke(app, [*db, "campaigns", "enrich"]).exit_code == 0
    assert runner.invoke(app, [*db, "campaigns", "remove", "flash-social"]).exit_code == 0
    gone = runner.invoke(app, [*db, "campaigns", "show", "flash-social"])
    assert isinstance(gone.exception, NotFound) and "no campaign 'flash-social'" in str(gone.exception)
