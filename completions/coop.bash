# bash completion for coop(1), its commands coop-agent, coop-share,
# coop-fetch, coop-stream, coop-group, coop-ledger and coop-vote, and the
# agent coopd(8).                                               -*- shell-script -*-
#
# Installed as share/bash-completion/completions/coop; source it by hand to
# try it: . completions/coop.bash
#
# Keep in step with the programs' --help (tests/integration/docs_in_step.sh).

# Options of each command; options that take a value are also listed in
# _coop_takes_value.
_coop_opts_agent="--help"
_coop_opts_agent_start="--help --listen --peer --no-public --public --upload-limit --download-limit --stream-port --overlay-port --log-level --sync-answer-timeout --sync-anti-entropy --sync-window --link-idle-timeout --json"
_coop_opts_agent_stop="--help --json"
_coop_opts_agent_status="--help --json"
_coop_opts_share="--help --list --stop --tracker --v1 --group --title --tag --json"
_coop_opts_fetch="--help -o --output --peer --detach --no-seed --list --json"
_coop_opts_stream="--help --file --player -o --output --start --peer --pause-on-quit --info --stats --json"
_coop_opts_group="--help"
_coop_opts_group_create="--help --topic --open --closed --about --admission --json"
_coop_opts_group_list="--help --json"
_coop_opts_group_show="--help --json"
_coop_opts_group_invite="--help --expires --uses --json"
_coop_opts_group_join="--help --wait --json"
_coop_opts_group_leave="--help --json"
_coop_opts_group_members="--help --json"
_coop_opts_group_find="--help --wait --json"
_coop_opts_group_post="--help --json"
_coop_opts_group_log="--help -f --follow -n --limit --kind --json"
_coop_opts_group_chat="--help"
_coop_opts_group_catalog="--help --tag --all --json"
_coop_opts_group_retract="--help --json"
_coop_group_subcommands="create list show invite join leave members find post log chat catalog retract"
_coop_opts_ledger="--help -n --limit --json"
_coop_opts_ledger_show="--help -n --limit --json"
_coop_opts_ledger_effort="--help --group --json"
_coop_opts_ledger_verify="--help --json"
_coop_opts_ledger_export="--help --format -o --output"
_coop_opts_ledger_capacity="--help --up --json"
_coop_ledger_subcommands="show effort verify export capacity"
# coop vote's lists mark the options that take a value with a trailing =
# (_coop_takes_value reads them), so each option is one place to change.
_coop_opts_vote="--help"
_coop_opts_vote_propose="--help --body= --option= --method= --closes= --quorum= --affects= --unaffected-say= --admit= --remove= --pin= --set= --json"
_coop_opts_vote_cast="--help --json"
_coop_opts_vote_list="--help --open --closed --json"
_coop_opts_vote_show="--help --json"
_coop_opts_vote_plan="--help"
_coop_vote_subcommands="propose cast list show plan"
# coop vote plan SUBCOMMAND: one line each.
_coop_opts_vote_plan_start="--help --title= --resources= --rounds= --round-time= --days= --json"
_coop_opts_vote_plan_offer="--help --resource= --capacity= --at= --plan= --json"
_coop_opts_vote_plan_request="--help --resource= --qty= --up-to= --at= --plan= --json"
_coop_opts_vote_plan_close="--help --plan= --json"
_coop_opts_vote_plan_show="--help --plan= --json"
_coop_vote_plan_subcommands="start offer request close show"
_coop_opts_coopd="--help --version --listen --peer --no-public --public --upload-limit --download-limit --stream-port --overlay-port --log-level --sync-answer-timeout --sync-anti-entropy --sync-window --link-idle-timeout"

_coop_takes_value() {
    case $1 in
        --listen | --peer | --upload-limit | --download-limit | --stream-port | --overlay-port | --log-level | --stop | --tracker | -o | --output | --file | --player | --start) return 0 ;;
        --sync-answer-timeout | --sync-anti-entropy | --sync-window | --link-idle-timeout) return 0 ;;
        --group | --title | --tag | --topic | --about | --expires | --uses | --wait | -n | --limit | --kind) return 0 ;;
        --format | --up | --admission) return 0 ;;
    esac
    # coop vote's: those its lists mark with a trailing =.
    local list
    for list in ${!_coop_opts_vote@}; do
        [[ " ${!list} " == *" $1= "* ]] && return 0
    done
    return 1
}

# _coop_reply WORDS...: the words that start with $cur.
_coop_reply() {
    local IFS=$'\n'
    COMPREPLY=($(compgen -W "$*" -- "$cur"))
}

# _coop_files [dirs|torrents|all]: file names that start with $cur.
_coop_files() {
    local IFS=$'\n'
    compopt -o filenames 2>/dev/null
    case $1 in
        dirs) COMPREPLY=($(compgen -d -- "$cur")) ;;
        torrents)
            COMPREPLY=($(compgen -f -X '!*.torrent' -- "$cur") $(compgen -d -- "$cur"))
            [ ${#COMPREPLY[@]} -gt 0 ] || COMPREPLY=($(compgen -f -- "$cur"))
            ;;
        *) COMPREPLY=($(compgen -f -- "$cur")) ;;
    esac
}

# _coop_commands [help]: the coop commands, ours and any other coop-* on
# PATH (and help, if asked).
_coop_commands() {
    local others
    others=$(compgen -c coop- 2>/dev/null | sed -n 's/^coop-//p' | sort -u |
        grep -vxE 'agent|share|fetch|stream|group|ledger|vote|help')
    _coop_reply agent share fetch stream group ledger vote ${1:-} $others
}

# _coop_command NAME FIRST: complete the arguments of command NAME (agent,
# share, fetch, stream, group, ledger, vote, coopd), whose first argument is
# COMP_WORDS[FIRST].
_coop_command() {
    local name=$1 first=$2 sub="" plan_sub="" i word after_dashdash=""
    # The subcommand of agent, group, ledger and vote is their first word
    # that is not an option (nor the value of one); that of vote plan, the
    # next such word.
    for ((i = first; i < COMP_CWORD; i++)); do
        word=${COMP_WORDS[i]}
        [ "$word" = -- ] && after_dashdash=1
        if [[ " agent group ledger vote " == *" $name "* ]] && [[ $word != -* ]] &&
            ! { [ "$i" -gt "$first" ] && _coop_takes_value "${COMP_WORDS[i - 1]}"; }; then
            if [ -z "$sub" ]; then
                sub=$word
            elif [ "$name $sub" = "vote plan" ] && [ -z "$plan_sub" ]; then
                plan_sub=$word
            fi
        fi
    done

    # The value of an option, given as --opt VALUE or --opt=VALUE. Bash
    # splits words at '=' and ':' (COMP_WORDBREAKS), so --opt=VALUE and
    # ADDR:PORT arrive in pieces.
    local opt="" k
    if [ "$cur" = "=" ]; then
        opt=$prev
        cur=""
    elif [ "$prev" = "=" ] && [ "$COMP_CWORD" -ge $((first + 2)) ]; then
        opt=${COMP_WORDS[COMP_CWORD - 2]}
    elif [ "$cur" = ":" ] || [ "$prev" = ":" ]; then
        # Typing the port of ADDR:PORT: find the option before ADDR.
        k=$((COMP_CWORD - 2))
        [ "$cur" = ":" ] && k=$((COMP_CWORD - 1))
        opt=${COMP_WORDS[k - 1]:-}
        [ "$opt" = "=" ] && opt=${COMP_WORDS[k - 2]:-}
        if _coop_takes_value "$opt"; then COMPREPLY=(); return; fi
        opt=""
    elif [ "$COMP_CWORD" -gt "$first" ] && _coop_takes_value "$prev"; then
        opt=$prev
    fi
    if [ -n "$opt" ] && _coop_takes_value "$opt"; then
        case $opt in
            --log-level) _coop_reply trace debug info warn error off ;;
            --player) _coop_reply auto mpv ffplay none ;;
            --uses) _coop_reply 1 0 ;;
            --kind) _coop_reply post join leave share retract genesis ;;
            --format) _coop_reply csv json ;;
            --admission) _coop_reply invite vote ;;
            --method) _coop_reply majority approval consent ranked score ;;
            --affects) _coop_reply all ;;  # or a MEMBER
            --set)  # NAME=VALUE
                _coop_reply window_days= floor_capacity= bandwidth= availability= duties= cap_share= admission=
                compopt -o nospace 2>/dev/null ;;
            -o | --output)
                if [ "$name" = fetch ]; then _coop_files dirs; else _coop_files all; fi ;;
            *) COMPREPLY=() ;;  # ADDR:PORT, RATE, PORT, TIME, ID, URL: nothing to offer
        esac
        return
    fi
    # The VALUE of coop vote propose --set admission=VALUE.
    # (Above, a $cur of = became "".)
    if [ "$name" = vote ] && { [ "${COMP_WORDS[COMP_CWORD]}" = "=" ] || [ "$prev" = "=" ]; }; then
        k=$((COMP_CWORD - 2))
        [ "${COMP_WORDS[COMP_CWORD]}" = "=" ] && k=$((COMP_CWORD - 1))
        opt=${COMP_WORDS[k - 1]:-}
        [ "$opt" = "=" ] && opt=${COMP_WORDS[k - 2]:-}
        if [ "$opt" = --set ] && [ "${COMP_WORDS[k]}" = admission ]; then
            _coop_reply invite vote
        fi
        return
    fi

    if [[ $cur == -* ]] && [ -z "$after_dashdash" ]; then
        case $name in
            agent)
                case $sub in
                    start) _coop_reply $_coop_opts_agent_start ;;
                    stop) _coop_reply $_coop_opts_agent_stop ;;
                    status) _coop_reply $_coop_opts_agent_status ;;
                    *) _coop_reply $_coop_opts_agent ;;
                esac
                ;;
            share) _coop_reply $_coop_opts_share ;;
            fetch) _coop_reply $_coop_opts_fetch ;;
            stream) _coop_reply $_coop_opts_stream ;;
            group)
                local group_opts=_coop_opts_group${sub:+_$sub}
                [[ " $_coop_group_subcommands " == *" $sub "* ]] || group_opts=_coop_opts_group
                _coop_reply ${!group_opts}
                ;;
            ledger)
                local ledger_opts=_coop_opts_ledger${sub:+_$sub}
                [[ " $_coop_ledger_subcommands " == *" $sub "* ]] || ledger_opts=_coop_opts_ledger
                _coop_reply ${!ledger_opts}
                ;;
            vote)
                local vote_opts=_coop_opts_vote${sub:+_$sub}
                [[ " $_coop_vote_subcommands " == *" $sub "* ]] || vote_opts=_coop_opts_vote
                if [ "$sub" = plan ] && [ -n "$plan_sub" ] &&
                    [[ " $_coop_vote_plan_subcommands " == *" $plan_sub "* ]]; then
                    vote_opts=_coop_opts_vote_plan_$plan_sub
                fi
                vote_opts=${!vote_opts}
                _coop_reply ${vote_opts//=/}
                ;;
            coopd) _coop_reply $_coop_opts_coopd ;;
        esac
        return
    fi

    case $name in
        agent) [ -n "$sub" ] || _coop_reply start stop status ;;
        group) [ -n "$sub" ] || _coop_reply $_coop_group_subcommands ;;  # then G, TAG, TOKEN: nothing to offer
        ledger) [ -n "$sub" ] || _coop_reply $_coop_ledger_subcommands ;;
        vote)  # then G, TITLE, PROPOSAL, CHOICE: nothing to offer
            if [ -z "$sub" ]; then
                _coop_reply $_coop_vote_subcommands
            elif [ "$sub" = plan ] && [ -z "$plan_sub" ]; then
                _coop_reply $_coop_vote_plan_subcommands
            fi
            ;;
        share) _coop_files all ;;       # PATH...
        fetch | stream) _coop_files torrents ;;  # SOURCE: a .torrent file (or a magnet link or id)
    esac
}

_coop() {
    local cur=${COMP_WORDS[COMP_CWORD]} prev=""
    [ "$COMP_CWORD" -gt 0 ] && prev=${COMP_WORDS[COMP_CWORD - 1]}
    COMPREPLY=()

    case ${1##*/} in
        coop-agent) _coop_command agent 1; return ;;
        coop-share) _coop_command share 1; return ;;
        coop-fetch) _coop_command fetch 1; return ;;
        coop-stream) _coop_command stream 1; return ;;
        coop-group) _coop_command group 1; return ;;
        coop-ledger) _coop_command ledger 1; return ;;
        coop-vote) _coop_command vote 1; return ;;
        coopd) _coop_command coopd 1; return ;;
    esac

    if [ "$COMP_CWORD" -eq 1 ]; then
        if [[ $cur == -* ]]; then
            _coop_reply --help --version
        else
            _coop_commands help
        fi
        return
    fi
    case ${COMP_WORDS[1]} in
        agent | share | fetch | stream | group | ledger | vote) _coop_command "${COMP_WORDS[1]}" 2 ;;
        help) [ "$COMP_CWORD" -eq 2 ] && _coop_commands ;;
        -*) ;;
        *) _coop_files all ;;  # another coop-* command: its arguments are its own
    esac
}

complete -F _coop coop coop-agent coop-share coop-fetch coop-stream coop-group coop-ledger coop-vote coopd
