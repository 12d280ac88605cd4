"""Pure policy rules: no database, no clock, parameters passed in. Each function cites its rule (POLICY.md)."""
