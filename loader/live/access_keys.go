package live

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/iamx/iamx/model"
)

// accessKeyWorkers bounds the ListAccessKeys calls in flight: one call per
// user, thousands of users, and IAM throttles an account's control plane
// as a whole, so a few at a time keep pace with the GAAD streams without
// starving them. The adaptive retryer slows them further when throttled.
const accessKeyWorkers = 16

// accessKeyLister lists each user's access keys (IDs, status, creation
// time; ListAccessKeys never returns secrets) while the GAAD streams run:
// the user stream hands over names page by page, a bounded pool calls
// iam:ListAccessKeys for each.
//
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_ListAccessKeys.html
type accessKeyLister struct {
	names  chan string
	wg     sync.WaitGroup
	mu     sync.Mutex
	keys   map[string][]model.AccessKey // by user name; present when listed
	failed int                          // users whose keys could not be listed
	first  error                        // the first failure, for the warning
	denied atomic.Bool                  // once denied, the rest would be too: stop asking
}

func startAccessKeys(ctx context.Context, client *iam.Client) *accessKeyLister {
	l := &accessKeyLister{names: make(chan string, 1024), keys: map[string][]model.AccessKey{}}
	for range accessKeyWorkers {
		l.wg.Go(func() {
			for name := range l.names {
				l.list(ctx, client, name)
			}
		})
	}
	return l
}

// users queues a page's user names. It may block while the pool is behind;
// the page's stream then waits, which bounds memory.
func (l *accessKeyLister) users(ctx context.Context, names []string) {
	for _, n := range names {
		select {
		case l.names <- n:
		case <-ctx.Done():
			return
		}
	}
}

// wait closes the queue and waits for the calls in flight.
func (l *accessKeyLister) wait() {
	close(l.names)
	l.wg.Wait()
}

func (l *accessKeyLister) list(ctx context.Context, client *iam.Client, user string) {
	if l.denied.Load() || ctx.Err() != nil {
		l.fail(nil)
		return
	}
	keys := []model.AccessKey{}
	var marker *string
	for {
		page, err := client.ListAccessKeys(ctx, &iam.ListAccessKeysInput{UserName: aws.String(user), Marker: marker})
		if err != nil {
			if isAccessDenied(err) {
				l.denied.Store(true)
			}
			l.fail(&callError{"iam:ListAccessKeys", fmt.Errorf("user %s: %w", user, err)})
			return
		}
		for _, k := range page.AccessKeyMetadata {
			ak := model.AccessKey{ID: aws.ToString(k.AccessKeyId), Status: string(k.Status)}
			if k.CreateDate != nil {
				ak.CreateDate = k.CreateDate.UTC()
			}
			keys = append(keys, ak)
		}
		if !page.IsTruncated || aws.ToString(page.Marker) == "" {
			break
		}
		marker = page.Marker
	}
	l.mu.Lock()
	l.keys[user] = keys
	l.mu.Unlock()
}

func (l *accessKeyLister) fail(err error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.failed++
	if l.first == nil && err != nil {
		l.first = err
	}
}

// attach records the keys on the snapshot's users. Users whose keys could
// not be listed stay unlisted, so an access key ID that is not found says
// so rather than "no such key".
func (l *accessKeyLister) attach(snap *model.Snapshot) int {
	n := 0
	for _, u := range snap.Users {
		if keys, ok := l.keys[u.Name]; ok {
			u.AccessKeys, u.AccessKeysListed = keys, true
			n += len(keys)
		}
	}
	return n
}
