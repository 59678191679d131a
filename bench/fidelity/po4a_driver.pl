use strict;
use warnings;
use Locale::Po4a::Chooser;

# po4a on every <n>.md of a folder, in one process: `extract` writes <n>.pot, `translate`
# reads <n>.po and writes <n>.out. Each file gets 10 seconds (po4a 0.69 loops forever on
# some inputs); one line per file says how it went.
my ( $mode, $dir, $from ) = @ARGV;
opendir( my $dh, $dir ) or die "no $dir\n";
my @files = sort { $a <=> $b } map { /^(\d+)\.md$/ ? $1 : () } readdir($dh);
$| = 1;
for my $n (@files) {
    next if defined $from && $n < $from;
    my $ok = eval {
        local $SIG{ALRM} = sub { die "timeout\n" };
        alarm 10;
        my $doc = Locale::Po4a::Chooser::new( "text", "markdown" => 1 );
        $doc->{TT}{utf_mode} = 1;
        if ( $mode eq "extract" ) {
            $doc->process(
                'file_in_name'    => ["$dir/$n.md"],
                'file_in_charset' => 'UTF-8',
                'po_out_name'     => "$dir/$n.pot"
            );
        } else {
            $doc->process(
                'po_in_name'       => ["$dir/$n.po"],
                'file_in_name'     => ["$dir/$n.md"],
                'file_in_charset'  => 'UTF-8',
                'file_out_charset' => 'UTF-8'
            );
            $doc->write("$dir/$n.out");
        }
        alarm 0;
        1;
    };
    alarm 0;
    my $error = $@ || "";
    $error =~ s/\s+/ /g;
    print "$n ", ( $ok ? "ok" : ( $error =~ /^timeout/ ? "hang" : "crash $error" ) ), "\n";
}
