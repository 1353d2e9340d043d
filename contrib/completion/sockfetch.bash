# bash completion for sockfetch.
#
# The candidates come from sockfetch itself, so they always match the
# binary's own options and commands:
#
#   sockfetch WORD... CURRENT --generate-bash-completion
#
# prints the options (when CURRENT starts with -) or the commands that
# CURRENT may become, one a line; nothing means "a file name". `make install`
# puts this file in $(PREFIX)/share/bash-completion/completions/sockfetch;
# without bash-completion, source it from ~/.bashrc.

_sockfetch() {
	local cur words cword
	if declare -F _get_comp_words_by_ref >/dev/null 2>&1; then
		# Keep --output=FILE and URLs with ':' in one word.
		_get_comp_words_by_ref -n =: cur words cword
	else
		cur=${COMP_WORDS[COMP_CWORD]}
		words=("${COMP_WORDS[@]}")
		cword=$COMP_CWORD
	fi
	local IFS=$'\n'
	local candidates
	candidates=$("${words[0]}" "${words[@]:1:cword-1}" "$cur" --generate-bash-completion 2>/dev/null) || return 0
	COMPREPLY=($(compgen -W "$candidates" -- "$cur"))
}

complete -o bashdefault -o default -F _sockfetch sockfetch
