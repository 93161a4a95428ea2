"""The default rate table: Germany (domestic), the rest of the EU, and the world, in EUR bands
of 1 kg, 5 kg and 20 kg. Staff change prices in the admin; this only seeds an empty table."""

from decimal import Decimal

from django.db import migrations

EU_COUNTRIES = (
    "AT BE BG CY CZ DK EE ES FI FR GR HR HU IE IT LT LU LV MT NL PL PT RO SE SI SK"
).split()

# code: (name, countries, {max grams: EUR})
ZONES = {
    "domestic": ("Germany", ["DE"], {1000: "4.90", 5000: "6.90", 20000: "14.90"}),
    "eu": ("European Union", EU_COUNTRIES, {1000: "8.90", 5000: "13.90", 20000: "24.90"}),
    "world": ("Rest of the world", ["*"], {1000: "15.90", 5000: "29.90", 20000: "59.90"}),
}


def seed(apps, schema_editor):
    Zone = apps.get_model("shipping", "Zone")
    ZoneCountry = apps.get_model("shipping", "ZoneCountry")
    Rate = apps.get_model("shipping", "Rate")
    alias = schema_editor.connection.alias
    for code, (name, countries, bands) in ZONES.items():
        zone, _ = Zone.objects.using(alias).get_or_create(code=code, defaults={"name": name})
        for country in countries:
            ZoneCountry.objects.using(alias).get_or_create(country=country, defaults={"zone": zone})
        for max_weight_grams, amount in bands.items():
            Rate.objects.using(alias).get_or_create(
                zone=zone,
                currency="EUR",
                max_weight_grams=max_weight_grams,
                defaults={"amount": Decimal(amount)},
            )


def unseed(apps, schema_editor):
    Zone = apps.get_model("shipping", "Zone")
    Zone.objects.using(schema_editor.connection.alias).filter(code__in=list(ZONES)).delete()


class Migration(migrations.Migration):
    dependencies = [("shipping", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
