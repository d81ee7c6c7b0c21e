"""GraphQL schema of the followup subgraph."""
