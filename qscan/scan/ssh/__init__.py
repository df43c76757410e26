"""SSH endpoint scanning: banner, KEXINIT and host keys (qscan.scan.ssh.scanner)."""

from qscan.scan.ssh.scanner import SshScanner

__all__ = ["SshScanner"]
