"""Mock-data exploration with syft (PySyft 0.9.5) on the platform's table.

syft pins numpy, pandas and protobuf versions that clash with the main environment, so it
runs in its own environment (``.venv-syft``) and process: ``datasite`` is that process's
program, ``messages`` the typed JSON lines both sides speak, and everything else runs in
the main environment. This package's ``__init__`` imports nothing, so the syft side can
import ``messages`` without the main environment's dependencies.
"""
