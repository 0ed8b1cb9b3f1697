"""Writers of the output folder: JSON Lines and JSON for machines, HTML and XLSX for people."""

from compliance.output.writers import write_results

__all__ = ["write_results"]
