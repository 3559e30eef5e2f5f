/** 12 open issues: #3, #6, #9, #12 carry two labels of one scope; #5 two tracks (a warning only). */
export function scopedIssues() {
  return Array.from({ length: 12 }, (_, index) => {
    const n = index + 1;
    const labels = n % 3 === 0 ? ["workflow::doing", "workflow::todo"] : ["workflow::doing"];
    return { title: `Issue ${n}`, labels: n === 5 ? [...labels, "track/a", "track/b"] : labels };
  });
}
