package policy

// Trace records how every policy and statement fared against one request:
// the explorer's Explain view is this.
type Trace struct {
	Policies []PolicyTrace
}

// PolicyTrace is the trace of one policy.
type PolicyTrace struct {
	Source     Source
	Statements []StatementTrace
}

// StatementTrace says whether each part of a statement matched, and why not.
type StatementTrace struct {
	Index      int
	Sid        string
	Effect     Effect
	Action     bool // Action / NotAction matched the request's action
	Resource   bool // Resource / NotResource matched (true when the statement has neither)
	Principal  bool // Principal / NotPrincipal matched (true when the statement has neither)
	Condition  bool // every condition held
	Matched    bool // all of the above: the statement applies
	Conditions []ConditionTrace
	Note       string // a short human explanation of the first part that failed
}

// ConditionTrace is the outcome of one condition key test.
type ConditionTrace struct {
	Condition     Condition
	RequestValues []string // the request's values for the key (after variable substitution of the policy values)
	Present       bool     // the key was in the request
	Result        bool
}
