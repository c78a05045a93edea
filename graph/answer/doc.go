// Package answer holds the answers the command line and the explorer share:
// the JSON answer types of DESIGN.md §2 and their builders, computed once
// from the graph so that both presentations say the same thing and neither
// re-decides anything. It starts with privilege escalation (privesc); the
// other answers move here as issue 11 proceeds.
package answer
