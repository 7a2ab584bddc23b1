#!/usr/bin/env bash
# Regenerates the sample clips from FFmpeg's built-in sources (nothing is downloaded). Run from this folder.
set -euo pipefail
ff() { ffmpeg -nostdin -hide_banner -loglevel error -y "$@"; }

# A red ball bouncing across a blue floor under a grey sky: one object, clear motion, 256x256, 24 fps, 3 s.
# x sweeps left to right and back; y is a bounce |sin| above the floor line at row 200.
ff -f lavfi -i "color=c=black:s=256x256:r=24:d=3,format=rgb24" -vf "geq=\
r='if(lte(hypot(X-(48+160*abs(2*(T/3)-1)),Y-(176-120*abs(sin(PI*T*1.3)))),22),220,if(gt(Y,200),40,150))':\
g='if(lte(hypot(X-(48+160*abs(2*(T/3)-1)),Y-(176-120*abs(sin(PI*T*1.3)))),22),30,if(gt(Y,200),60,150))':\
b='if(lte(hypot(X-(48+160*abs(2*(T/3)-1)),Y-(176-120*abs(sin(PI*T*1.3)))),22),30,if(gt(Y,200),170,160))'" \
   -c:v libx264 -pix_fmt yuv420p -crf 20 -g 48 ball.mp4

# FFmpeg's testsrc2 pattern (moving gradients, a counter) with a 440 Hz tone: for audio stream copy. 320x240, 24 fps, 2 s.
ff -f lavfi -i "testsrc2=size=320x240:rate=24:duration=2" -f lavfi -i "sine=frequency=440:sample_rate=48000:duration=2" \
   -c:v libx264 -pix_fmt yuv420p -crf 23 -c:a aac -b:a 64k -shortest testsrc2_audio.mp4

# Two squares sliding in opposite directions over a grey checkerboard, in Matroska at 25 fps: 192x144, 2 s.
# A = yellow square on row 48 moving right, B = red square on row 100 moving left.
A='lte(abs(X-(20+120*T/2)),14)*lte(abs(Y-48),14)'
B='lte(abs(X-(172-120*T/2)),14)*lte(abs(Y-100),14)'
BG='if(mod(floor(X/16)+floor(Y/16),2),140,110)'
ff -f lavfi -i "color=c=black:s=192x144:r=25:d=2,format=rgb24" \
   -vf "geq=r='if($A,230,if($B,210,$BG))':g='if($A,200,if($B,40,$BG))':b='if($A,40,if($B,40,$BG))'" \
   -c:v libx264 -pix_fmt yuv420p -crf 22 squares.mkv
