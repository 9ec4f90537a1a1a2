"""Federation runtime: coordinator, party agents, PSI, certificates and the data layer."""
