package actions

import "testing"

// First load: gunzip and decode the embedded catalogue (what Load's
// sync.Once pays once per process).
func BenchmarkLoad(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := decodeGzip(embedded); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkExpandAll(b *testing.B) {
	c := Load()
	b.ReportAllocs()
	for b.Loop() {
		if len(c.Expand("*")) != c.Len() {
			b.Fatal("short")
		}
	}
}

func BenchmarkExpandS3Get(b *testing.B) {
	c := Load()
	b.ReportAllocs()
	for b.Loop() {
		_ = c.Expand("s3:Get*")
	}
}

func BenchmarkExpandSuffix(b *testing.B) {
	c := Load()
	b.ReportAllocs()
	for b.Loop() {
		_ = c.Expand("*Object")
	}
}

// Compile once, then Match every catalogue action by name (as a string, the
// way a request's action arrives) and by ID. ns/op is one sweep over all
// actions.
func BenchmarkCompileMatchAll(b *testing.B) {
	c := Load()
	names := make([]string, c.Len())
	for id := range names {
		names[id] = c.Action(id).String()
	}
	for _, p := range []struct{ name, pattern string }{
		{"literal", "s3:GetObject"},
		{"prefix", "s3:Get*"},
		{"suffix", "*Object"},
		{"glob", "*:Get*Policy"},
		{"question", "iam:Pass?ole"},
	} {
		b.Run("Match/"+p.name, func(b *testing.B) {
			b.ReportAllocs()
			n := 0
			for b.Loop() {
				m := Compile(p.pattern)
				for _, name := range names {
					if m.Match(name) {
						n++
					}
				}
			}
			if n == 0 {
				b.Fatal("no match")
			}
		})
		b.Run("MatchID/"+p.name, func(b *testing.B) {
			b.ReportAllocs()
			n := 0
			for b.Loop() {
				m := Compile(p.pattern)
				for id := 0; id < c.Len(); id++ {
					if m.MatchID(id) {
						n++
					}
				}
			}
			if n == 0 {
				b.Fatal("no match")
			}
		})
	}
}

// twentyPatterns is the Action list of a broad, realistic policy.
var twentyPatterns = []string{
	"s3:Get*", "s3:List*", "s3:PutObject", "s3:DeleteObject*", "ec2:Describe*",
	"iam:PassRole", "iam:Get*", "iam:List*", "sts:AssumeRole", "kms:Decrypt",
	"kms:Encrypt", "kms:GenerateDataKey*", "logs:*", "cloudwatch:*", "dynamodb:*Item",
	"lambda:InvokeFunction", "sqs:*", "sns:Publish", "*:Describe*", "ssm:GetParameter?",
}

func BenchmarkExpandSet20(b *testing.B) {
	c := Load()
	b.ReportAllocs()
	for b.Loop() {
		_ = c.ExpandSet(twentyPatterns)
	}
}

func BenchmarkLookup(b *testing.B) {
	c := Load()
	b.ReportAllocs()
	for b.Loop() {
		if _, ok := c.Lookup("S3:GetObject"); !ok {
			b.Fatal("miss")
		}
	}
}

// Effective permissions: union of allows minus denies over full-size sets.
func BenchmarkBitsetOrAndNotCount(b *testing.B) {
	c := Load()
	allow := c.ExpandSet(twentyPatterns)
	deny := c.ExpandSet([]string{"iam:*", "s3:Delete*"})
	acc := NewBitset(c.Len())
	b.ReportAllocs()
	for b.Loop() {
		acc.Or(allow)
		acc.AndNot(deny)
		_ = acc.Count()
	}
}
