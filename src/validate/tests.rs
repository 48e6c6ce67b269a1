//! Unit tests of the validators, one or more per rule.
