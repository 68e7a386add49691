"""The data model: networks, scenarios, controls and their schema."""

from linepack.network.network import GAS_KEYS, Controls, Network, Scenario

__all__ = ["Network", "Scenario", "Controls", "GAS_KEYS"]
