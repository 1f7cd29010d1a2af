"""``manage.py dkim_keygen``: a new RSA key for DKIM, written under var/ (never into the
repository), and the DNS TXT record to publish for it."""

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from colombe.mailing.dkim_signing import dns_record_value, generate_private_key, private_key_pem

# DNS TXT strings hold at most 255 characters; longer records are split into several.
TXT_STRING_LENGTH = 255


def txt_strings(value: str) -> str:
    chunks = [value[i : i + TXT_STRING_LENGTH] for i in range(0, len(value), TXT_STRING_LENGTH)]
    return " ".join(f'"{chunk}"' for chunk in chunks)


def inside_repository(path: Path) -> bool:
    resolved = path.resolve()
    var_dir = Path(settings.VAR_DIR).resolve()
    base_dir = Path(settings.BASE_DIR).resolve()
    return resolved.is_relative_to(base_dir) and not resolved.is_relative_to(var_dir)


class Command(BaseCommand):
    help = "Generate a DKIM key under var/ and print the DNS TXT record to publish."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--selector", default=None, help="Default: DKIM_SELECTOR.")
        parser.add_argument("--domain", default=None, help="Default: DKIM_DOMAIN.")
        parser.add_argument("--bits", type=int, default=2048, choices=[1024, 2048, 3072, 4096])
        parser.add_argument(
            "--output", type=Path, default=None, help="Default: var/dkim/<selector>.pem"
        )
        parser.add_argument("--force", action="store_true", help="Replace an existing key.")

    def handle(self, *args: Any, **options: Any) -> None:
        selector = options["selector"] or settings.DKIM_SELECTOR
        domain = options["domain"] or settings.DKIM_DOMAIN
        output = options["output"] or Path(settings.VAR_DIR) / "dkim" / f"{selector}.pem"
        if inside_repository(output):
            raise CommandError(f"{output} is inside the repository; keep keys under var/.")
        if output.exists() and not options["force"]:
            raise CommandError(f"{output} exists; use --force to replace it.")
        key = generate_private_key(options["bits"])
        output.parent.mkdir(parents=True, exist_ok=True)
        output.touch(mode=0o600, exist_ok=True)
        output.chmod(0o600)
        output.write_bytes(private_key_pem(key))
        self.stdout.write(f"Private key written to {output} (keep it secret).\n")
        self.stdout.write("Settings:\n")
        self.stdout.write(f"  DKIM_PRIVATE_KEY_FILE={output.resolve()}")
        self.stdout.write(f"  DKIM_DOMAIN={domain}")
        self.stdout.write(f"  DKIM_SELECTOR={selector}\n")
        self.stdout.write("DNS record to publish:\n")
        record = txt_strings(dns_record_value(key))
        self.stdout.write(f"{selector}._domainkey.{domain}. IN TXT ( {record} )")
