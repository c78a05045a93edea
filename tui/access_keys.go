package tui

// accessKeyLines lists a user's access key IDs when the snapshot recorded
// them (iam:ListAccessKeys in a live capture), so that the AKIA… in an
// alert can be matched on the user's page. The credential report's lines
// above say which keys are active and when they were used.
func (p *principalPage) accessKeyLines() []detailLine {
	u := p.n.User
	if u == nil || len(u.AccessKeys) == 0 {
		return nil
	}
	st := p.c.Styles
	out := make([]detailLine, 0, len(u.AccessKeys))
	for i, k := range u.AccessKeys {
		label := ""
		if i == 0 {
			label = "Key IDs"
		}
		status := k.Status
		if status == "" {
			status = "status unknown"
		}
		out = append(out, detailKV(st, label, k.ID+"  "+status+", created "+detailDate(k.CreateDate)))
	}
	return out
}
