package testenv

import (
	"reflect"
	"testing"
)

func TestParseLockTrace(t *testing.T) {
	tests := []struct {
		name     string
		trace    string
		restrict int
		ports    []int
		refused  []bool
		problems int
	}{
		{"locked, then connects", `1234  seccomp(SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_TSYNC, {len=16, filter=0xc000}) = 0
1234  landlock_restrict_self(3, 0) = 0
1235  landlock_restrict_self(3, 0 <unfinished ...>
1234  landlock_restrict_self(3, 0) = 0
1235  <... landlock_restrict_self resumed>) = 0
1236  connect(5, {sa_family=AF_INET, sin_port=htons(9050), sin_addr=inet_addr("127.0.0.1")}, 16 <unfinished ...>
1234  connect(6, {sa_family=AF_UNIX, sun_path="/run/tor/socks"}, 17) = 0
1236  <... connect resumed>) = -1 EINPROGRESS (Operation now in progress)
1234  connect(7, {sa_family=AF_INET6, sin6_port=htons(80), sin6_flowinfo=htonl(0), inet_pton(AF_INET6, "::1", &sin6_addr), sin6_scope_id=0}, 28) = -1 EACCES (Permission denied)
`, 3, []int{9050, 80}, []bool{false, true}, 0},
		{"a restrict ends after a connect began", `1  landlock_restrict_self(3, 0 <unfinished ...>
2  landlock_restrict_self(3, 0) = 0
2  connect(5, {sa_family=AF_INET, sin_port=htons(9050), sin_addr=inet_addr("127.0.0.1")}, 16) = 0
1  <... landlock_restrict_self resumed>) = 0
`, 2, []int{9050}, []bool{false}, 1},
		{"no lock", `1  connect(5, {sa_family=AF_INET, sin_port=htons(80), sin_addr=inet_addr("127.0.0.1")}, 16) = 0
`, 0, []int{80}, []bool{false}, 1},
		{"failed lock", `1  landlock_restrict_self(3, 0) = -1 EPERM (Operation not permitted)
`, 0, nil, nil, 1},
	}
	for _, tt := range tests {
		lt := ParseLockTrace(tt.trace)
		var ports []int
		var refused []bool
		for _, c := range lt.Connects {
			ports = append(ports, c.Port)
			refused = append(refused, c.Refused)
		}
		if lt.Restricts != tt.restrict || !reflect.DeepEqual(ports, tt.ports) || !reflect.DeepEqual(refused, tt.refused) || len(lt.Problems) != tt.problems {
			t.Errorf("%s: restricts %d, ports %v, refused %v, problems %q; want %d, %v, %v, %d problems",
				tt.name, lt.Restricts, ports, refused, lt.Problems, tt.restrict, tt.ports, tt.refused, tt.problems)
		}
	}
}
