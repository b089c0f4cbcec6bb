# fish completion for coop(1), its commands coop-agent, coop-share,
# coop-fetch, coop-stream, coop-group, coop-ledger and coop-vote, and the
# agent coopd(8).
#
# Keep in step with the programs' --help (tests/integration/docs_in_step.sh).

# The words after the program, as `coop NAME ...` would see them: for
# coop-NAME, NAME and then its arguments.
function __coop_args
    set -l words (commandline -opc)
    set -l program (string replace -r '^.*/' '' -- $words[1])
    switch $program
        case 'coop-*'
            string replace -r '^coop-' '' -- $program
    end
    printf '%s\n' $words[2..-1]
end

# __coop_is NAME [SUB...]: the command line is `coop NAME [SUB...] ...` (or
# `coop-NAME [SUB...] ...`).
function __coop_is
    set -l args (__coop_args)
    for i in (seq (count $argv))
        test "$args[$i]" = "$argv[$i]"; or return 1
    end
    return 0
end

# No command yet: `coop <TAB>`.
function __coop_needs_command
    set -l words (commandline -opc)
    test (count $words) -eq 1
    and test (string replace -r '^.*/' '' -- $words[1]) = coop
end

# __coop_needs_sub NAME SUB...: the command line is `coop NAME ...` with
# none of its subcommands SUB yet: `coop group <TAB>`.
function __coop_needs_sub
    set -l args (__coop_args)
    test "$args[1]" = $argv[1]; or return 1
    for sub in $argv[2..-1]
        contains -- $sub $args[2..-1]; and return 1
    end
    return 0
end

function __coop_agent_needs_sub
    __coop_needs_sub agent start stop status
end

function __coop_group_needs_sub
    __coop_needs_sub group create list show invite join leave members find post log chat catalog retract
end

function __coop_ledger_needs_sub
    __coop_needs_sub ledger show effort verify export capacity
end

function __coop_vote_needs_sub
    __coop_needs_sub vote propose cast list show plan
end

# `coop vote plan ...` with none of its subcommands yet.
function __coop_vote_plan_needs_sub
    __coop_is vote plan; or return 1
    set -l args (__coop_args)
    for sub in start offer request show
        contains -- $sub $args[3..-1]; and return 1
    end
    return 0
end

# The NAME=VALUE of coop vote propose --set: the names, then the values of
# admission.
function __coop_vote_settings
    switch (commandline -ct | string replace -r '^--set=' '')
        case 'admission=*'
            printf '%s\n' admission=invite admission=vote
        case '*=*'
        case '*'
            printf '%s\n' window_days= floor_capacity= bandwidth= availability= duties= cap_share= admission=
    end
end

# `coop ledger [show] ...`: show's options, which `coop ledger` alone takes.
function __coop_ledger_show
    __coop_ledger_needs_sub; or __coop_is ledger show
end

# Other coop-* commands on PATH.
function __coop_other_commands
    for c in (complete -C 'coop-' | string replace -r '\t.*' '' | string replace -r '^coop-' '')
        contains -- $c agent share fetch stream group ledger vote; or echo $c
    end
end

complete -c coop -f
complete -c coop -n __coop_needs_command -s h -l help -d 'print the commands and exit'
complete -c coop -n __coop_needs_command -s V -l version -d 'print the version and exit'
complete -c coop -n __coop_needs_command -a agent -d 'start, stop and inspect the background agent (coopd)'
complete -c coop -n __coop_needs_command -a share -d 'share files or folders and print their magnet links'
complete -c coop -n __coop_needs_command -a fetch -d 'download a magnet link, .torrent or id, verified'
complete -c coop -n __coop_needs_command -a stream -d 'play a video while it downloads, or pipe its bytes'
complete -c coop -n __coop_needs_command -a group -d 'groups: chat and a shared catalog, kept by every member'
complete -c coop -n __coop_needs_command -a ledger -d 'effort ledger: signed records of what members gave, and effort per group'
complete -c coop -n __coop_needs_command -a vote -d 'decisions: proposals and ballots tallied by every member, and planning'
complete -c coop -n __coop_needs_command -a help -d 'print the help of a command'
complete -c coop -n __coop_needs_command -a '(__coop_other_commands)' -d 'coop command'
complete -c coop -n '__coop_is help; and test (count (__coop_args)) -eq 1' -a 'agent share fetch stream group ledger vote (__coop_other_commands)'

for program in coop coop-agent coop-share coop-fetch coop-stream coop-group coop-ledger coop-vote
    complete -c $program -f

    # coop agent
    complete -c $program -n '__coop_is agent' -s h -l help -d 'print help and exit'
    complete -c $program -n __coop_agent_needs_sub -a start -d 'start the agent in the background'
    complete -c $program -n __coop_agent_needs_sub -a stop -d 'stop the agent cleanly, saving all transfer state'
    complete -c $program -n __coop_agent_needs_sub -a status -d 'show the peer id, listen address, torrents and peers'
    complete -c $program -n '__coop_is agent start' -l listen -x -d 'ADDR:PORT to listen on; port 0 picks a free one'
    complete -c $program -n '__coop_is agent start' -l peer -x -d 'ADDR:PORT of another agent to bootstrap from (repeat)'
    complete -c $program -n '__coop_is agent start' -l no-public -d 'private mode: no public DHT routers, UPnP, NAT-PMP or local discovery'
    complete -c $program -n '__coop_is agent start' -l public -d 'leave private mode saved by an earlier --no-public'
    complete -c $program -n '__coop_is agent start' -l upload-limit -x -d 'upload limit in bytes/s, e.g. 500K or 2M (0 = none)'
    complete -c $program -n '__coop_is agent start' -l download-limit -x -d 'download limit in bytes/s, e.g. 500K or 2M (0 = none)'
    complete -c $program -n '__coop_is agent start' -l stream-port -x -d 'port of the stream server on 127.0.0.1 (default 0: any free one)'
    complete -c $program -n '__coop_is agent start' -l overlay-port -x -d 'port for links from other agents, on the --listen address (default 0: a free one, kept)'
    complete -c $program -n '__coop_is agent start' -l log-level -x -a 'trace debug info warn error off' -d 'log detail in COOP_HOME/coopd.log'
    complete -c $program -n '__coop_is agent start' -l sync-answer-timeout -x -d 'for tests: drop a peer that leaves a group request unanswered this long (default 30s)'
    complete -c $program -n '__coop_is agent start' -l sync-anti-entropy -x -d 'for tests: send the state of each group to its peers this often (default 30s)'
    complete -c $program -n '__coop_is agent start' -l sync-window -x -d 'for tests: the window of the sync budgets of each peer (default 10s)'
    complete -c $program -n '__coop_is agent start' -l link-idle-timeout -x -d 'for tests: close an overlay link silent this long (default 90s)'
    complete -c $program -n '__coop_is agent start' -l json -d 'print the status of the agent as JSON'
    complete -c $program -n '__coop_is agent stop' -l json -d 'print the result as JSON'
    complete -c $program -n '__coop_is agent status' -l json -d 'print the status as JSON'

    # coop share PATH...
    complete -c $program -n '__coop_is share' -F
    complete -c $program -n '__coop_is share' -s h -l help -d 'print help and exit'
    complete -c $program -n '__coop_is share' -l list -d 'list shares with size, peers, uploaded bytes and ratio'
    complete -c $program -n '__coop_is share' -l stop -x -d 'stop seeding the share with this id (a prefix will do)'
    complete -c $program -n '__coop_is share' -l tracker -x -d 'announce URL to put in the torrent and magnet (repeat)'
    complete -c $program -n '__coop_is share' -l v1 -d 'make a v1-only torrent for clients without v2 support'
    complete -c $program -n '__coop_is share' -l group -x -d "also add each share to a group's catalog (name or id prefix)"
    complete -c $program -n '__coop_is share' -l title -x -d 'the title of the catalog entry (default: the file or folder name)'
    complete -c $program -n '__coop_is share' -l tag -x -d 'a tag for the catalog entry (repeat)'
    complete -c $program -n '__coop_is share' -l json -d 'print JSON (one object per share) instead of text'

    # coop stream SOURCE
    complete -c $program -n '__coop_is stream' -F
    complete -c $program -n '__coop_is stream' -s h -l help -d 'print help and exit'
    complete -c $program -n '__coop_is stream' -l file -x -d 'which file of a multi-file torrent: number from 0 or name'
    complete -c $program -n '__coop_is stream' -l player -x -a 'auto mpv ffplay none' -d 'the player to start'
    complete -c $program -n '__coop_is stream' -s o -l output -r -d 'write the bytes in order to PATH, or to stdout with -'
    complete -c $program -n '__coop_is stream' -l start -x -d 'start playing at TIME: seconds, M:SS, H:MM:SS, or 90s, 2m, 1h'
    complete -c $program -n '__coop_is stream' -l peer -x -d 'ADDR:PORT of a peer that has it (repeat)'
    complete -c $program -n '__coop_is stream' -l pause-on-quit -d 'pause the download when the player quits before it is complete'
    complete -c $program -n '__coop_is stream' -l info -d 'print what FFmpeg reads of the file and exit'
    complete -c $program -n '__coop_is stream' -l stats -d "show how the agent's streams went: first byte and frame, stalls"
    complete -c $program -n '__coop_is stream' -l json -d 'print the stream, --info or --stats as JSON'

    # coop fetch SOURCE
    complete -c $program -n '__coop_is fetch' -F
    complete -c $program -n '__coop_is fetch' -s h -l help -d 'print help and exit'
    complete -c $program -n '__coop_is fetch' -s o -l output -x -a '(__fish_complete_directories (commandline -ct))' -d 'folder to download into'
    complete -c $program -n '__coop_is fetch' -l peer -x -d 'ADDR:PORT of a peer that has it (repeat)'
    complete -c $program -n '__coop_is fetch' -l detach -d 'start the download in the agent and return at once'
    complete -c $program -n '__coop_is fetch' -l no-seed -d 'stop seeding once the download is complete'
    complete -c $program -n '__coop_is fetch' -l list -d 'list downloads with progress and state'
    complete -c $program -n '__coop_is fetch' -l json -d 'print JSON lines (progress events, then the result)'
end

for program in coop coop-agent coop-share coop-fetch coop-stream coop-group coop-ledger coop-vote
    # coop group SUBCOMMAND
    complete -c $program -n '__coop_is group' -s h -l help -d 'print help and exit'
    complete -c $program -n __coop_group_needs_sub -a create -d 'create a group and become its first member'
    complete -c $program -n __coop_group_needs_sub -a list -d 'list the groups this agent is in or joining'
    complete -c $program -n __coop_group_needs_sub -a show -d 'show a group: members, who is online, catalog size, heads'
    complete -c $program -n __coop_group_needs_sub -a invite -d 'make an invite token and print it alone on stdout'
    complete -c $program -n __coop_group_needs_sub -a join -d 'join with an invite token, or an open group by id'
    complete -c $program -n __coop_group_needs_sub -a leave -d 'leave a group'
    complete -c $program -n __coop_group_needs_sub -a members -d "list a group's members and who is online"
    complete -c $program -n __coop_group_needs_sub -a find -d 'find open groups about TAG on the DHT'
    complete -c $program -n __coop_group_needs_sub -a post -d 'post a chat message to a group'
    complete -c $program -n __coop_group_needs_sub -a log -d "print a group's chat and events; --follow for new ones"
    complete -c $program -n __coop_group_needs_sub -a chat -d 'chat in a group: messages arrive above the line you type'
    complete -c $program -n __coop_group_needs_sub -a catalog -d "list a group's shared catalog"
    complete -c $program -n __coop_group_needs_sub -a retract -d 'withdraw a catalog entry you shared'
    complete -c $program -n '__coop_is group create' -l topic -x -d 'an interest tag coop group find finds the group by (repeat)'
    complete -c $program -n '__coop_is group create' -l open -d 'anyone may join, and the group is announced under its topics'
    complete -c $program -n '__coop_is group create' -l closed -d 'members join by invite only (the default)'
    complete -c $program -n '__coop_is group create' -l about -x -d 'what the group is about'
    complete -c $program -n '__coop_is group create' -l admission -x -a 'invite vote' -d 'closed groups: invite (an invite lets one in, the default) or vote (a vote admits)'
    complete -c $program -n '__coop_is group create' -l json -d 'print the new group as JSON'
    complete -c $program -n '__coop_is group list' -l json -d 'print the groups as JSON'
    complete -c $program -n '__coop_is group show' -l json -d 'print the group as JSON'
    complete -c $program -n '__coop_is group invite' -l expires -x -d 'how long the invite works, like 30m, 1h, 2d; 0 = never'
    complete -c $program -n '__coop_is group invite' -l uses -x -a '1 0' -d '1: one person may join with it; 0: any number'
    complete -c $program -n '__coop_is group invite' -l json -d 'print the invite as JSON'
    complete -c $program -n '__coop_is group join' -l wait -x -d "wait at most DUR for the group's log (default 30s)"
    complete -c $program -n '__coop_is group join' -l json -d 'print JSON lines (progress, then the result)'
    complete -c $program -n '__coop_is group leave' -l json -d 'print the result as JSON'
    complete -c $program -n '__coop_is group members' -l json -d 'print the members as JSON'
    complete -c $program -n '__coop_is group find' -l wait -x -d 'look for DUR before answering (default 5s)'
    complete -c $program -n '__coop_is group find' -l json -d 'print the groups found as JSON'
    complete -c $program -n '__coop_is group post' -l json -d 'print the new event as JSON'
    complete -c $program -n '__coop_is group log' -s f -l follow -d 'go on printing events as they arrive'
    complete -c $program -n '__coop_is group log' -s n -l limit -x -d 'print the last N events (default 100)'
    complete -c $program -n '__coop_is group log' -l kind -x -a 'post join leave share retract genesis' -d 'only events of this kind (repeat)'
    complete -c $program -n '__coop_is group log' -l json -d 'print one JSON object per event, one a line'
    complete -c $program -n '__coop_is group catalog' -l tag -x -d 'only entries with this tag'
    complete -c $program -n '__coop_is group catalog' -l all -d 'also list retracted entries'
    complete -c $program -n '__coop_is group catalog' -l json -d 'print the entries as JSON'
    complete -c $program -n '__coop_is group retract' -l json -d 'print the result as JSON'
end

for program in coop coop-agent coop-share coop-fetch coop-stream coop-group coop-ledger coop-vote
    # coop ledger [SUBCOMMAND]
    complete -c $program -n '__coop_is ledger' -s h -l help -d 'print help and exit'
    complete -c $program -n __coop_ledger_needs_sub -a show -d "our records, each counterparty's totals, and the counters (the default)"
    complete -c $program -n __coop_ledger_needs_sub -a effort -d 'effort per group: given, received, capacity, availability, score, share'
    complete -c $program -n __coop_ledger_needs_sub -a verify -d 'check every chain and proof held; exit 1 if anything is wrong'
    complete -c $program -n __coop_ledger_needs_sub -a export -d 'write all our records, and the pairs they form, as CSV or JSON'
    complete -c $program -n __coop_ledger_needs_sub -a capacity -d 'show the upload capacity we offer, or declare it with --up'
    complete -c $program -n __coop_ledger_show -s n -l limit -x -d 'list our newest N records (default 20; 0 = all)'
    complete -c $program -n __coop_ledger_show -l json -d 'print the ledger as JSON'
    complete -c $program -n '__coop_is ledger effort' -l group -x -d 'only group G: its name or an id prefix'
    complete -c $program -n '__coop_is ledger effort' -l json -d "print the groups' effort as JSON"
    complete -c $program -n '__coop_is ledger verify' -l json -d 'print the report as JSON'
    complete -c $program -n '__coop_is ledger export' -l format -x -a 'csv json' -d 'csv (one row per record, with a header) or json'
    complete -c $program -n '__coop_is ledger export' -s o -l output -r -d 'write to FILE instead of standard output'
    complete -c $program -n '__coop_is ledger capacity' -l up -x -d 'declare RATE, like 2MiB/s, 500KiB/s, 20Mbit/s or 250000 (bytes/s)'
    complete -c $program -n '__coop_is ledger capacity' -l json -d 'print the result as JSON'
end

for program in coop coop-agent coop-share coop-fetch coop-stream coop-group coop-ledger coop-vote
    # coop vote SUBCOMMAND
    complete -c $program -n '__coop_is vote' -s h -l help -d 'print help and exit'
    complete -c $program -n __coop_vote_needs_sub -a propose -d "put a proposal to a group's members"
    complete -c $program -n __coop_vote_needs_sub -a cast -d 'vote on a proposal; a later ballot replaces yours until the close'
    complete -c $program -n __coop_vote_needs_sub -a list -d 'list the proposals of a group, or of every group we are in'
    complete -c $program -n __coop_vote_needs_sub -a show -d 'a proposal: options, who voted, the tally or the outcome'
    complete -c $program -n __coop_vote_needs_sub -a plan -d "participatory planning of the group's shared resources"
    complete -c $program -n '__coop_is vote propose' -l body -x -d 'the proposal in more words'
    complete -c $program -n '__coop_is vote propose' -l option -x -d 'an option to choose from (repeat; at least 2, none for consent)'
    complete -c $program -n '__coop_is vote propose' -l method -x -a 'majority approval consent ranked score' -d 'majority (the default), approval, consent, ranked or score'
    complete -c $program -n '__coop_is vote propose' -l closes -x -d 'when it closes: a span (2d, 90m) or a local time (default 3d)'
    complete -c $program -n '__coop_is vote propose' -l quorum -x -d "the share of the members' say that must vote (default 0)"
    complete -c $program -n '__coop_is vote propose' -l affects -x -a all -d 'a member it affects, who gets full say (repeat; default all)'
    complete -c $program -n '__coop_is vote propose' -l unaffected-say -x -d 'the say of members it does not affect (default 0)'
    complete -c $program -n '__coop_is vote propose' -l admit -x -d 'if it passes, admit this applicant (closed groups)'
    complete -c $program -n '__coop_is vote propose' -l remove -x -d 'if it passes, remove this member'
    complete -c $program -n '__coop_is vote propose' -l pin -x -d 'if it passes, pin this catalog entry'
    complete -c $program -n '__coop_is vote propose' -l set -x -a '(__coop_vote_settings)' -d 'if it passes, change a setting: NAME=VALUE (repeat)'
    complete -c $program -n '__coop_is vote propose' -l json -d 'print the new proposal as JSON'
    complete -c $program -n '__coop_is vote cast' -l json -d 'print the ballot as JSON'
    complete -c $program -n '__coop_is vote list' -l open -d 'only proposals still open'
    complete -c $program -n '__coop_is vote list' -l closed -d 'only closed proposals'
    complete -c $program -n '__coop_is vote list' -l json -d 'print the proposals as JSON'
    complete -c $program -n '__coop_is vote show' -l json -d 'print the proposal and its tally as JSON'

    # coop vote plan SUBCOMMAND: one line an option.
    complete -c $program -n __coop_vote_plan_needs_sub -a start -d "start planning a group's resources"
    complete -c $program -n __coop_vote_plan_needs_sub -a offer -d 'offer capacity of a resource'
    complete -c $program -n __coop_vote_plan_needs_sub -a request -d 'ask for a quantity of a resource'
    complete -c $program -n __coop_vote_plan_needs_sub -a show -d "show a group's planning"
    complete -c $program -n __coop_vote_plan_needs_sub -a close -d 'close the open round of a planning'
    complete -c $program -n '__coop_is vote plan start' -l round-time -x -d 'how long each round stays open'
    complete -c $program -n '__coop_is vote plan start' -l days -x -d 'the days the plan covers'
    complete -c $program -n '__coop_is vote plan offer' -l plan -x -d 'the planning, by id prefix'
    complete -c $program -n '__coop_is vote plan request' -l at -x -d 'QTY at PRICE: PRICE:QTY'
    complete -c $program -n '__coop_is vote plan request' -l plan -x -d 'the planning, by id prefix'
    complete -c $program -n '__coop_is vote plan close' -l plan -x -d 'the planning, by id prefix'
    complete -c $program -n '__coop_is vote plan close' -l json -d 'print the result as JSON'
    complete -c $program -n '__coop_is vote plan show' -l plan -x -d 'the planning, by id prefix'
    complete -c $program -n '__coop_is vote plan start' -l title -x -d 'the title of the planning'
    complete -c $program -n '__coop_is vote plan start' -l resources -x -d 'the resources to plan'
    complete -c $program -n '__coop_is vote plan start' -l rounds -x -d 'how many rounds'
    complete -c $program -n '__coop_is vote plan start' -l json -d 'print the result as JSON'
    complete -c $program -n '__coop_is vote plan offer' -l resource -x -d 'the resource offered'
    complete -c $program -n '__coop_is vote plan offer' -l capacity -x -d 'how much is offered'
    complete -c $program -n '__coop_is vote plan offer' -l at -x -d 'QTY at PRICE: PRICE:QTY'
    complete -c $program -n '__coop_is vote plan offer' -l json -d 'print the offer as JSON'
    complete -c $program -n '__coop_is vote plan request' -l resource -x -d 'the resource asked for'
    complete -c $program -n '__coop_is vote plan request' -l qty -x -d 'how much is asked for'
    complete -c $program -n '__coop_is vote plan request' -l up-to -x -d 'the highest price'
    complete -c $program -n '__coop_is vote plan request' -l json -d 'print the request as JSON'
    complete -c $program -n '__coop_is vote plan show' -l json -d 'print the planning as JSON'
end

# coopd, the agent
complete -c coopd -f
complete -c coopd -s h -l help -d 'print help and exit'
complete -c coopd -l version -d 'print the version and exit'
complete -c coopd -l listen -x -d 'ADDR:PORT to listen on (port 0 picks a free one)'
complete -c coopd -l peer -x -d 'ADDR:PORT of another agent: DHT bootstrap and direct connects (repeat)'
complete -c coopd -l no-public -d 'no public DHT routers, UPnP, NAT-PMP or local discovery'
complete -c coopd -l public -d 'undo a saved --no-public'
complete -c coopd -l upload-limit -x -d 'upload limit in bytes/s (K, M, G suffixes; 0 = none)'
complete -c coopd -l download-limit -x -d 'download limit in bytes/s (K, M, G suffixes; 0 = none)'
complete -c coopd -l stream-port -x -d 'port of the stream server on 127.0.0.1 (0 picks a free one)'
complete -c coopd -l overlay-port -x -d 'port for links from other agents, on the --listen address (0 picks a free one and keeps it)'
complete -c coopd -l log-level -x -a 'trace debug info warn error off' -d 'log detail in COOP_HOME/coopd.log'
complete -c coopd -l sync-answer-timeout -x -d 'for tests: drop a peer that leaves a group request unanswered this long (default 30s)'
complete -c coopd -l sync-anti-entropy -x -d 'for tests: send the state of each group to its peers this often (default 30s)'
complete -c coopd -l sync-window -x -d 'for tests: the window of the sync budgets of each peer (default 10s)'
complete -c coopd -l link-idle-timeout -x -d 'for tests: close an overlay link silent this long (default 90s)'
