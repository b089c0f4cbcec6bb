# fish completion for coop(1), its commands coop-agent, coop-share,
# coop-fetch and coop-stream, and the agent coopd(8).
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

# __coop_is NAME [SUB]: the command line is `coop NAME [SUB] ...` (or
# `coop-NAME [SUB] ...`).
function __coop_is
    set -l args (__coop_args)
    test "$args[1]" = "$argv[1]"; or return 1
    if set -q argv[2]
        test "$args[2]" = "$argv[2]"; or return 1
    end
    return 0
end

# No command yet: `coop <TAB>`.
function __coop_needs_command
    set -l words (commandline -opc)
    test (count $words) -eq 1
    and test (string replace -r '^.*/' '' -- $words[1]) = coop
end

# `coop agent <TAB>`: no subcommand yet.
function __coop_agent_needs_sub
    set -l args (__coop_args)
    test "$args[1]" = agent
    and not contains -- start $args
    and not contains -- stop $args
    and not contains -- status $args
end

# Other coop-* commands on PATH.
function __coop_other_commands
    for c in (complete -C 'coop-' | string replace -r '\t.*' '' | string replace -r '^coop-' '')
        contains -- $c agent share fetch stream; or echo $c
    end
end

complete -c coop -f
complete -c coop -n __coop_needs_command -s h -l help -d 'print the commands and exit'
complete -c coop -n __coop_needs_command -s V -l version -d 'print the version and exit'
complete -c coop -n __coop_needs_command -a agent -d 'start, stop and inspect the background agent (coopd)'
complete -c coop -n __coop_needs_command -a share -d 'share files or folders and print their magnet links'
complete -c coop -n __coop_needs_command -a fetch -d 'download a magnet link, .torrent or id, verified'
complete -c coop -n __coop_needs_command -a stream -d 'play a video while it downloads, or pipe its bytes'
complete -c coop -n __coop_needs_command -a help -d 'print the help of a command'
complete -c coop -n __coop_needs_command -a '(__coop_other_commands)' -d 'coop command'
complete -c coop -n '__coop_is help; and test (count (__coop_args)) -eq 1' -a 'agent share fetch stream (__coop_other_commands)'

for program in coop coop-agent coop-share coop-fetch coop-stream
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
    complete -c $program -n '__coop_is agent start' -l log-level -x -a 'trace debug info warn error off' -d 'log detail in COOP_HOME/coopd.log'
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
complete -c coopd -l log-level -x -a 'trace debug info warn error off' -d 'log detail in COOP_HOME/coopd.log'
