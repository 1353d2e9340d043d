package cli

import "sockfetch/fetch"

// uploadBody sets r to PUT the file of -T.
func (a *app) uploadBody(r *fetch.Request, name string) error {
	return usageErr("-T is not supported yet")
}
