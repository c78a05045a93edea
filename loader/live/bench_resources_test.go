package live

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/iamx/iamx/loader/live/internal/awsproxy"
	"github.com/iamx/iamx/loader/live/internal/fakeaws"
	"github.com/iamx/iamx/loader/live/internal/motoserver"
	"github.com/iamx/iamx/model"
)

// resourceCaptureVia runs a capture of S3, KMS and SQS whose resource reads
// the fake account answers, with latency added to every request; IAM and
// STS go to moto (an empty account).
func resourceCaptureVia(tb testing.TB, acct *fakeaws.Account, latency time.Duration) (*awsproxy.Proxy, func() *model.Snapshot) {
	moto := motoserver.Start(tb)
	proxy := awsproxy.Start(tb, moto.URL, awsproxy.Options{Latency: latency,
		Handlers: map[string]http.Handler{"s3": acct, "kms": acct, "sqs": acct}})
	liveEnv(tb, proxy.URL)
	opts := testOptions()
	opts.Services = []string{"s3", "kms", "sqs"}
	return proxy, func() *model.Snapshot {
		snap, err := Capture(context.Background(), opts, nil)
		if err != nil {
			tb.Fatalf("Capture: %v", err)
		}
		return snap
	}
}

// checkCaptured fails unless every resource of acct is in snap, read
// cleanly, with its policy parsed where it has one.
func checkCaptured(tb testing.TB, acct *fakeaws.Account, snap *model.Snapshot) {
	tb.Helper()
	want := len(acct.Buckets) + len(acct.Keys) + len(acct.Queues)
	if len(snap.Resources) != want {
		tb.Fatalf("captured %d resources, want %d", len(snap.Resources), want)
	}
	policies := 0
	for _, r := range snap.Resources {
		if r.Error != "" {
			tb.Fatalf("%s: %s", r.ARN, r.Error)
		}
		if r.Policy != nil {
			if r.Policy.Policy == nil {
				tb.Fatalf("%s: policy not parsed", r.ARN)
			}
			policies++
		}
	}
	if policies == 0 {
		tb.Fatal("no policy captured")
	}
	for _, c := range snap.Coverage {
		if c.State != model.CoverageComplete {
			tb.Fatalf("coverage %+v", c)
		}
	}
}

// The resource capture reads in parallel, with at most perServiceRegion
// requests in flight for a service in a region (S3's buckets are one
// listing), and reads everything.
func TestCaptureResourcesBoundedParallelism(t *testing.T) {
	acct := fakeaws.Generate(testAccount, "us-east-1", 60, 40, 40)
	proxy, capture := resourceCaptureVia(t, acct, 20*time.Millisecond)
	checkCaptured(t, acct, capture())
	for _, svc := range []string{"s3", "kms", "sqs"} {
		if n := proxy.MaxInFlight(svc); n > perServiceRegion || n < 2 {
			t.Errorf("%s: %d requests in flight at most, want 2 to %d", svc, n, perServiceRegion)
		}
	}
}

// BenchmarkCaptureResources is the capture target: 1,000 buckets,
// 500 keys and 500 queues with 50 ms added to every request, in under 30 s.
// The resource reads are answered by fakeaws (moto takes minutes to build
// and serve that many), everything else by moto.
//
//	go test ./loader/live -run '^$' -bench CaptureResources -benchtime 1x -count 5
func BenchmarkCaptureResources(b *testing.B) {
	acct := fakeaws.Generate(testAccount, "us-east-1", 1000, 500, 500)
	proxy, capture := resourceCaptureVia(b, acct, 50*time.Millisecond)
	for b.Loop() {
		checkCaptured(b, acct, capture())
	}
	b.ReportMetric(float64(proxy.MaxInFlight("s3")), "max-s3-in-flight")
}
