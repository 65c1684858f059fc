package ai.prometheus.memory.embedding;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Embedding vectors: unit length, stored in Postgres as float32 little-endian bytes. */
public final class Vectors {

    private Vectors() {}

    public static byte[] toBytes(float[] vector) {
        ByteBuffer buffer = ByteBuffer.allocate(vector.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        buffer.asFloatBuffer().put(vector);
        return buffer.array();
    }

    public static float[] fromBytes(byte[] bytes) {
        if (bytes.length % Float.BYTES != 0) {
            throw new IllegalArgumentException("an embedding of " + bytes.length + " bytes is not a float32 vector");
        }
        float[] vector = new float[bytes.length / Float.BYTES];
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(vector);
        return vector;
    }

    /** Scales {@code vector} to unit length in place (a zero vector stays zero) and returns it. */
    public static float[] normalize(float[] vector) {
        double sum = 0;
        for (float v : vector) {
            sum += v * v;
        }
        if (sum > 0) {
            float scale = (float) (1.0 / Math.sqrt(sum));
            for (int i = 0; i < vector.length; i++) {
                vector[i] *= scale;
            }
        }
        return vector;
    }

    /** Dot product of {@code query} with the vector at {@code offset} in {@code matrix}; cosine for unit vectors. */
    public static float dot(float[] query, float[] matrix, int offset) {
        // Four accumulators let the CPU overlap the multiply-adds.
        float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        int n = query.length;
        int i = 0;
        for (; i + 3 < n; i += 4) {
            s0 += query[i] * matrix[offset + i];
            s1 += query[i + 1] * matrix[offset + i + 1];
            s2 += query[i + 2] * matrix[offset + i + 2];
            s3 += query[i + 3] * matrix[offset + i + 3];
        }
        for (; i < n; i++) {
            s0 += query[i] * matrix[offset + i];
        }
        return (s0 + s1) + (s2 + s3);
    }
}
