"""Demo customers: companies and people across the EU, with contacts and notes."""

from sqlalchemy import select

from cloudmanager.extensions import db

# kind, name, email, country, postcode, city, street, VAT id, phone, tags
CUSTOMERS = [
    ("company", "Nordlicht Hosting GmbH", "billing@nordlicht-hosting.de", "DE", "10115", "Berlin", "Invalidenstraße 112", "DE811234567", "+49 30 2345678", "vip,reseller"),
    ("company", "Brauerei Falkenberg KG", "buchhaltung@falkenberg-bier.de", "DE", "80331", "München", "Sendlinger Straße 7", "DE293847561", "+49 89 2345678", "managed"),
    ("company", "Kanzlei Weber & Partner", "office@kanzlei-weber.de", "DE", "50667", "Köln", "Hohe Straße 41", "DE304958672", "+49 221 345678", "legal"),
    ("individual", "Jonas Richter", "jonas.richter@posteo.de", "DE", "20095", "Hamburg", "Mönckebergstraße 3", "", "+49 151 23456789", ""),
    ("company", "Alpenblick Tourismus GmbH", "rechnung@alpenblick.at", "AT", "6020", "Innsbruck", "Maria-Theresien-Straße 18", "ATU12345675", "+43 512 123456", "seasonal"),
    ("company", "Wiener Werkstätten OG", "office@wiener-werkstaetten.at", "AT", "1010", "Wien", "Kärntner Straße 21", "ATU64738291", "+43 1 5123456", ""),
    ("company", "Lumière Digitale SAS", "compta@lumiere-digitale.fr", "FR", "75002", "Paris", "12 rue du Sentier", "FR40303265045", "+33 1 42 68 53 00", "vip"),
    ("company", "Boulangerie Marchand SARL", "contact@boulangerie-marchand.fr", "FR", "69002", "Lyon", "5 place Bellecour", "FR83404833048", "+33 4 78 42 10 10", "small-business"),
    ("individual", "Camille Dubois", "camille.dubois@laposte.net", "FR", "33000", "Bordeaux", "8 cours de l'Intendance", "", "+33 6 12 34 56 78", ""),
    ("company", "Tulipa Webdesign B.V.", "administratie@tulipa-web.nl", "NL", "1012 AB", "Amsterdam", "Damrak 70", "NL853746290B01", "+31 20 123 4567", "reseller"),
    ("company", "Havenzicht Logistiek B.V.", "finance@havenzicht.nl", "NL", "3011 AD", "Rotterdam", "Coolsingel 40", "NL004495445B01", "+31 10 123 4567", "managed"),
    ("company", "Brasserie De Kroon BV", "boekhouding@dekroon.be", "BE", "1000", "Brussel", "Grote Markt 9", "BE0417497106", "+32 2 512 34 56", ""),
    ("company", "Atelier Verhaegen", "info@atelier-verhaegen.be", "BE", "9000", "Gent", "Korenmarkt 15", "BE0823456781", "+32 9 223 45 67", "small-business"),
    ("company", "Sole e Mare S.r.l.", "amministrazione@soleemare.it", "IT", "80121", "Napoli", "Via Chiaia 149", "IT01234567897", "+39 081 123 4567", "seasonal"),
    ("company", "Studio Bianchi Architetti", "studio@bianchi-arch.it", "IT", "20121", "Milano", "Via Brera 12", "IT12345670157", "+39 02 1234 5678", "vip"),
    ("individual", "Giulia Romano", "giulia.romano@libero.it", "IT", "00184", "Roma", "Via Cavour 101", "", "+39 312 345 6789", ""),
    ("company", "Olivares Tecnología S.L.", "facturas@olivares-tec.es", "ES", "28013", "Madrid", "Calle Gran Vía 28", "ESB12345674", "+34 911 23 45 67", "reseller"),
    ("company", "Bodega Las Encinas S.A.", "admin@lasencinas.es", "ES", "41004", "Sevilla", "Avenida de la Constitución 20", "ESA41234567", "+34 954 12 34 56", ""),
    ("company", "Casa do Fado Lda", "geral@casadofado.pt", "PT", "1100-148", "Lisboa", "Rua Augusta 200", "PT501964843", "+351 21 123 4567", "small-business"),
    ("company", "Saaristo Data Oy", "laskutus@saaristodata.fi", "FI", "00100", "Helsinki", "Mannerheimintie 12", "FI20774740", "+358 9 1234567", "managed"),
    ("company", "Fjällräven Konsult AB", "faktura@fjallkonsult.se", "SE", "111 52", "Stockholm", "Drottninggatan 53", "SE556677889901", "+46 8 123 456 78", ""),
    ("company", "Havnefront ApS", "regnskab@havnefront.dk", "DK", "1050", "København", "Kongens Nytorv 13", "DK13585628", "+45 33 12 34 56", "reseller"),
    ("company", "Wisła Software Sp. z o.o.", "faktury@wisla-software.pl", "PL", "00-001", "Warszawa", "ul. Marszałkowska 84", "PL5261040828", "+48 22 123 45 67", "vip"),
    ("individual", "Tomasz Kowalski", "t.kowalski@onet.pl", "PL", "30-001", "Kraków", "ul. Floriańska 20", "", "+48 512 345 678", ""),
    ("company", "Vltava Cloud s.r.o.", "fakturace@vltavacloud.cz", "CZ", "110 00", "Praha", "Národní 20", "CZ27082440", "+420 221 234 567", "managed"),
    ("company", "Duna Informatika Kft.", "szamlazas@dunainfo.hu", "HU", "1051", "Budapest", "Váci utca 19", "HU12892312", "+36 1 234 5678", ""),
    ("company", "Carpați Media SRL", "contabilitate@carpatimedia.ro", "RO", "010011", "București", "Calea Victoriei 25", "RO18547290", "+40 21 123 4567", "small-business"),
    ("company", "Balkan Hosting EOOD", "accounting@balkanhosting.bg", "BG", "1000", "Sofia", "bul. Vitosha 15", "BG175074752", "+359 2 123 4567", ""),
    ("company", "Adriatic Apps d.o.o.", "racuni@adriaticapps.hr", "HR", "10000", "Zagreb", "Ilica 25", "HR33392005961", "+385 1 234 5678", "reseller"),
    ("company", "Triglav Systems d.o.o.", "racuni@triglav-sys.si", "SI", "1000", "Ljubljana", "Slovenska cesta 35", "SI59082437", "+386 1 234 56 78", ""),
    ("company", "Tatra Data s.r.o.", "faktury@tatradata.sk", "SK", "811 01", "Bratislava", "Obchodná 12", "SK2020317068", "+421 2 5443 5678", ""),
    ("company", "Baltic Bytes OÜ", "arved@balticbytes.ee", "EE", "10111", "Tallinn", "Viru 10", "EE100931558", "+372 612 3456", "vip"),
    ("company", "Daugava Digital SIA", "rekini@daugava.lv", "LV", "LV-1050", "Rīga", "Brīvības iela 40", "LV40003245752", "+371 67 123 456", ""),
    ("company", "Nemunas Tech UAB", "saskaitos@nemunastech.lt", "LT", "01103", "Vilnius", "Gedimino pr. 9", "LT100001919017", "+370 5 212 3456", "managed"),
    ("company", "Liffey Analytics Ltd", "accounts@liffeyanalytics.ie", "IE", "D02 X285", "Dublin", "12 Grafton Street", "IE6388047V", "+353 1 234 5678", "vip"),
    ("company", "Aegean Travel IKE", "logistirio@aegeantravel.gr", "GR", "105 57", "Athína", "Ermou 25", "EL094014201", "+30 21 0123 4567", "seasonal"),
    ("company", "Mediterranean Yachts Ltd", "accounts@medyachts.com.mt", "MT", "VLT 1117", "Valletta", "Republic Street 120", "MT15121333", "+356 2123 4567", ""),
    ("company", "Troodos Web Ltd", "accounts@troodosweb.com.cy", "CY", "1010", "Lefkosia", "Ledra Street 50", "CY10259033P", "+357 22 123456", ""),
    ("company", "Moselle Finance S.à r.l.", "comptabilite@mosellefinance.lu", "LU", "1140", "Luxembourg", "25 route d'Arlon", "LU15027442", "+352 26 12 34 56", "legal"),
    ("individual", "Lukas Berger", "lukas.berger@gmx.at", "AT", "5020", "Salzburg", "Getreidegasse 9", "", "+43 664 1234567", ""),
]  # fmt: skip

# Contacts for some customers: email of the customer → [(name, email, phone, job title, invoices, sms)]
CONTACTS = {
    "billing@nordlicht-hosting.de": [
        ("Katrin Vogel", "k.vogel@nordlicht-hosting.de", "+49 151 11223344", "Head of Finance", True, False),
        ("Felix Braun", "f.braun@nordlicht-hosting.de", "+49 160 5566778", "CTO", False, True),
    ],
    "compta@lumiere-digitale.fr": [
        ("Élodie Martin", "elodie.martin@lumiere-digitale.fr", "+33 6 23 45 67 89", "Directrice financière", True, False),
    ],
    "administratie@tulipa-web.nl": [
        ("Sanne de Vries", "sanne@tulipa-web.nl", "+31 6 12345678", "Eigenaar", True, True),
    ],
    "faktury@wisla-software.pl": [
        ("Anna Nowak", "anna.nowak@wisla-software.pl", "+48 601 234 567", "Księgowa", True, False),
        ("Piotr Zieliński", "piotr@wisla-software.pl", "+48 602 345 678", "DevOps", False, True),
    ],
    "accounts@liffeyanalytics.ie": [
        ("Siobhán Murphy", "siobhan@liffeyanalytics.ie", "+353 87 123 4567", "Finance Manager", True, False),
    ],
    "studio@bianchi-arch.it": [
        ("Marco Bianchi", "marco@bianchi-arch.it", "+39 347 123 4567", "Titolare", True, True),
    ],
    "regnskab@havnefront.dk": [
        ("Mette Jensen", "mette@havnefront.dk", "+45 20 12 34 56", "Bogholder", True, False),
    ],
    "fakturace@vltavacloud.cz": [
        ("Jan Novák", "jan.novak@vltavacloud.cz", "+420 601 123 456", "Jednatel", True, True),
    ],
    "facturas@olivares-tec.es": [
        ("Lucía Fernández", "lucia@olivares-tec.es", "+34 612 345 678", "Administración", True, False),
    ],
    "arved@balticbytes.ee": [
        ("Kadri Tamm", "kadri@balticbytes.ee", "+372 5123 4567", "CFO", True, False),
    ],
}  # fmt: skip

NOTES = {
    "billing@nordlicht-hosting.de": ["Reseller agreement renewed until end of 2027.", "Asked for a quote for 20 more VPS."],
    "compta@lumiere-digitale.fr": ["Invoices must mention their purchase order number."],
    "faktury@wisla-software.pl": ["Prefers communication in English."],
    "rechnung@alpenblick.at": ["Peak season December–March: avoid maintenance windows."],
}  # fmt: skip


def seed_customers() -> list[str]:
    """About 40 customers across the EU with contacts and notes (adds only what is missing)."""
    from cloudmanager.customers.contacts import add_contact
    from cloudmanager.customers.models import Customer
    from cloudmanager.customers.services import add_note, create_customer

    created = 0
    for kind, name, email, country, postcode, city, street, vat, phone, tags in CUSTOMERS:
        if db.session.scalar(select(Customer.id).where(Customer.email == email)):
            continue
        customer = create_customer(
            {
                "kind": kind,
                "name": name,
                "email": email,
                "country": country,
                "postcode": postcode,
                "city": city,
                "address_line1": street,
                "vat_id": vat,
                "phone": phone,
                "tags": tags,
                "website": "" if kind == "individual" else "https://www." + email.split("@")[1],
                "currency": {"PL": "PLN", "CZ": "CZK", "SE": "SEK", "DK": "DKK"}.get(
                    country, "EUR"
                ),
                "payment_terms_days": 30 if kind == "company" else 14,
            },
            by=None,
        )
        for c_name, c_email, c_phone, title, invoices, sms in CONTACTS.get(email, []):
            add_contact(
                customer,
                {
                    "name": c_name,
                    "email": c_email,
                    "phone": c_phone,
                    "job_title": title,
                    "receives_invoices": invoices,
                    "receives_sms": sms,
                },
                by=None,
            )
        for body in NOTES.get(email, []):
            add_note(customer, body, by=None)
        created += 1
    return [f"customers: {created} created ({len(CUSTOMERS)} in the demo)"]
