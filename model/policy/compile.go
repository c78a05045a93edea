package policy

// compiledStatement is a statement's matching form, built once when the
// policy is parsed so that evaluation never re-splits strings.
type compiledStatement struct {
	actions     []pattern // Action or NotAction, lower-cased
	notAction   bool
	resources   []arnPattern // Resource or NotResource
	notResource bool
	hasResource bool // false when the statement has neither (trust policies)
	conditions  []compiledCondition
	assumeRole  bool     // the actions cover one of the sts:AssumeRole* actions (MayAssumeRole)
	contextKeys []string // the context keys the statement reads (ContextKeys)
}

// usesVariables reports whether a policy of this Version substitutes ${…}:
// only 2012-10-17 does; older or missing versions keep the text literal.
func usesVariables(version string) bool { return version == "2012-10-17" }

func compileStatement(s *Statement, vars bool) *compiledStatement {
	c := &compiledStatement{}
	acts := s.Action
	if s.NotAction != nil {
		acts, c.notAction = s.NotAction, true
	}
	c.actions = make([]pattern, len(acts))
	for i, a := range acts {
		c.actions[i] = compilePattern(a, true, false, true)
	}
	for _, a := range assumeRoleActions {
		if c.matchAction(a) {
			c.assumeRole = true
			break
		}
	}
	res := s.Resource
	if s.NotResource != nil {
		res, c.notResource = s.NotResource, true
	}
	if res != nil {
		c.hasResource = true
		c.resources = make([]arnPattern, len(res))
		for i, r := range res {
			c.resources[i] = compileARNPattern(r, vars)
		}
	}
	c.contextKeys = contextKeys(s)
	if len(s.Conditions) > 0 {
		c.conditions = make([]compiledCondition, len(s.Conditions))
		for i := range s.Conditions {
			c.conditions[i] = compileCondition(&s.Conditions[i], vars)
		}
	}
	return c
}

// Compile prepares every statement for evaluation. Parse calls it; call it
// yourself on a Policy built by hand (or changed after parsing) before
// evaluating it many times. Without it, Evaluate compiles such statements on
// every call, which is correct but slow. A compiled Policy must not be
// changed while it is being evaluated.
func (p *Policy) Compile() {
	vars := usesVariables(p.Version)
	for i := range p.Statements {
		p.Statements[i].compiled = compileStatement(&p.Statements[i], vars)
	}
}

// compiledFor returns the statement's compiled form, compiling on the fly
// for hand-built policies.
func (s *Statement) compiledFor(p *Policy) *compiledStatement {
	if s.compiled != nil {
		return s.compiled
	}
	return compileStatement(s, p != nil && usesVariables(p.Version))
}
